"""Forms of the staff candidate screens: shape only; the services decide."""

from django import forms

from acquis.candidates.enums import (
    AccessMode,
    AccommodationKind,
    AdmissibilityDecision,
    CandidacyStatus,
    Pathway,
    Sex,
    VaeRoute,
    ValidationFileDecision,
)
from acquis.candidates.identity import validate_identity
from acquis.www.bounded import ModelChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices):
    return [("", "—"), *choices]


class CandidateForm(forms.Form):
    birth_name = forms.CharField(label="Nom de naissance", max_length=60)
    usage_name = forms.CharField(label="Nom d'usage", max_length=60, required=False)
    first_name = forms.CharField(label="Premier prénom", max_length=60)
    first_name_2 = forms.CharField(label="Deuxième prénom", max_length=60, required=False)
    first_name_3 = forms.CharField(label="Troisième prénom", max_length=60, required=False)
    # No default: the value goes to the national declaration, so it is chosen, never assumed.
    sex = forms.ChoiceField(
        label="Sexe (état civil)",
        choices=_blank(Sex.choices),
        error_messages={"required": "Choisissez le sexe inscrit à l'état civil."},
    )
    birth_date = forms.DateField(label="Date de naissance", widget=DATE_WIDGET)
    birth_insee_code = forms.CharField(
        label="Code INSEE de la commune de naissance",
        max_length=5,
        required=False,
        help_text="5 caractères, par ex. 69123 (Lyon) ; 99xxx pour un pays étranger.",
    )
    birth_city = forms.CharField(label="Commune de naissance", max_length=60, required=False)
    birth_country = forms.CharField(
        label="Pays de naissance (si né à l'étranger)", max_length=60, required=False
    )
    email = forms.EmailField(label="Adresse électronique", required=False)
    phone = forms.CharField(
        label="Téléphone",
        max_length=20,
        required=False,
        help_text="Ex. 04 72 00 00 00, ou +32 2 123 45 67 pour un numéro étranger.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    postal_code = forms.CharField(
        label="Code postal",
        max_length=10,
        required=False,
        help_text="5 chiffres en France ; le code du pays pour une adresse à l'étranger.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(label="Ville", max_length=100, required=False)

    def clean(self):
        """Every error at once: the identity rules (the service's own check, which still
        decides) run on the fields the form could read, beside the form's own errors."""
        cleaned = super().clean()
        for field, message in validate_identity(cleaned).items():
            # A field the form already refused keeps its own message (not "obligatoire").
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class CandidacyForm(forms.Form):
    version = ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)
    pathway = forms.ChoiceField(label="Voie d'accès", choices=Pathway.choices)
    access_mode = forms.ChoiceField(
        label="Modalité d'accès (déclaration nationale)",
        choices=_blank(AccessMode.choices),
        required=False,
        help_text="Laissez vide pour la VAE ou un candidat libre.",
    )
    vae_route = forms.ChoiceField(
        label="Voie VAE", choices=_blank(VaeRoute.choices), required=False
    )
    blocks = forms.MultipleChoiceField(
        label="Blocs visés (laisser vide pour le titre complet)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cohort = ModelChoiceField(label="Promotion", queryset=None, required=False)
    partner = ModelChoiceField(label="Organisme partenaire", queryset=None, required=False)
    registered_on = forms.DateField(label="Date d'inscription", widget=DATE_WIDGET, required=False)

    def __init__(self, *args, versions, cohorts, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["cohort"].queryset = cohorts
        self.fields["partner"].queryset = partners
        codes = {}
        for version in versions:
            for block in version.blocks.all():
                codes.setdefault(block.code, f"{block.code} — {block.title}")
        self.fields["blocks"].choices = list(codes.items())


class CohortForm(forms.Form):
    name = forms.CharField(label="Nom de la promotion", max_length=120)
    version = ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)
    starts_on = forms.DateField(label="Début", widget=DATE_WIDGET, required=False)
    ends_on = forms.DateField(label="Fin", widget=DATE_WIDGET, required=False)
    memoir_deadline = forms.DateField(
        label="Date limite de dépôt du mémoire", widget=DATE_WIDGET, required=False
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


SEARCH_WIDGET = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})


class FilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        widget=SEARCH_WIDGET,
        help_text=(
            "Nom, prénom, courriel ou n° de candidature ; accents et majuscules indifférents."
        ),
    )
    etat = forms.ChoiceField(label="État", choices=_blank(CandidacyStatus.choices), required=False)
    voie = forms.ChoiceField(label="Voie", choices=_blank(Pathway.choices), required=False)
    promotion = ModelChoiceField(label="Promotion", queryset=None, required=False)
    session = ModelChoiceField(label="Session d'évaluation", queryset=None, required=False)
    inscrit_du = forms.DateField(label="Inscrit du", required=False, widget=DATE_WIDGET)
    inscrit_au = forms.DateField(label="Inscrit jusqu'au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, cohorts, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promotion"].queryset = cohorts
        self.fields["session"].queryset = sessions


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=CandidacyStatus.choices)
    reason = forms.CharField(label="Motif", required=False, max_length=500)
    override_reason = forms.CharField(
        label="Motif de la dérogation", required=False, max_length=1000
    )


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier (PDF, DOCX ou ODT)")


class PlacementForm(forms.Form):
    host_structure = forms.CharField(label="Structure d'accueil", max_length=255)
    host_siret = forms.CharField(label="SIRET de la structure", max_length=14, required=False)
    position = forms.CharField(label="Poste occupé", max_length=255)
    tutor_name = forms.CharField(label="Tuteur", max_length=255)
    tutor_email = forms.EmailField(label="Courriel du tuteur", required=False)


class PeriodForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    starts_on = forms.DateField(label="Du", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Au", widget=DATE_WIDGET)
    days_worked = forms.IntegerField(label="Jours travaillés", min_value=1, max_value=366)


class MemoirPartForm(forms.Form):
    part_code = forms.CharField(max_length=40)


class MemoirPartMissingForm(forms.Form):
    part_code = forms.CharField(max_length=40)
    reason = forms.CharField(label="Ce qui manque (lu par le candidat)", max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=())
    reason = forms.CharField(
        label="Motif (obligatoire sauf décision favorable)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


ADMISSIBILITY_CHOICES = AdmissibilityDecision.choices
VALIDATION_FILE_CHOICES = ValidationFileDecision.choices


class AccommodationForm(forms.Form):
    kind = forms.ChoiceField(label="Mesure", choices=AccommodationKind.choices)
    extra_minutes = forms.IntegerField(
        label="Minutes supplémentaires (temps supplémentaire)", required=False, min_value=1
    )
    details = forms.CharField(
        label="Précisions sur la mesure",
        required=False,
        max_length=255,
        help_text="Décrivez la mesure, jamais un diagnostic : aucune donnée médicale.",
    )
