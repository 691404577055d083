"""Forms of the staff evaluation screens (jurors, sessions): shape only; the services decide."""

from django import forms

from acquis.evaluations.enums import IncidentKind, SessionStatus
from acquis.www import bounded
from acquis.www.bounded import ModelChoiceField, PersonChoiceField, PersonLabelField
from acquis.www.staff.candidate_forms import DATE_WIDGET, SEARCH_WIDGET

OTHER_SECTOR = "autre"


def sector_choices(versions) -> list[tuple[str, str]]:
    """The closed list of sectors of the certifier's referentials (`rules.sectors`), then
    "another sector" (recorded, but it does not qualify a professional)."""
    seen: dict[str, str] = {}
    for version in versions:
        for sector in (version.rules or {}).get("sectors") or []:
            seen.setdefault(sector["code"], sector["label"])
    choices = [(code, label[0].upper() + label[1:]) for code, label in seen.items()]
    return [*choices, (OTHER_SECTOR, "Autre secteur")] if choices else []


class JurorForm(forms.Form):
    user = PersonChoiceField(
        label="Membre de jury",
        queryset=None,
        help_text="Les comptes ayant le rôle « membre de jury » chez le certificateur.",
    )
    sector = forms.CharField(label="Secteur d'expérience", max_length=120)
    role = forms.CharField(label="Fonction exercée", max_length=160)
    years_experience = forms.IntegerField(
        label="Années d'expérience dans le secteur", min_value=0, max_value=60
    )
    represents_certifier = forms.BooleanField(label="Représente le certificateur", required=False)
    structure = forms.CharField(
        label="Structure employeuse",
        max_length=255,
        required=False,
        help_text="Un candidat qui travaille dans cette structure ne sera ni évalué ni décidé "
        "par ce membre.",
    )
    structure_siret = forms.CharField(
        label="SIRET de la structure", max_length=17, required=False, help_text="14 chiffres."
    )
    proof = forms.FileField(
        label="Pièce justificative de l'expérience (PDF, DOCX ou ODT)", required=False
    )

    def __init__(self, *args, users, sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].bound(users)
        if sectors:  # the referential's closed list: a choice, not free text
            self.fields["sector"] = forms.ChoiceField(
                label="Secteur d'expérience",
                choices=sectors,
                help_text="Les secteurs que le référentiel reconnaît ; « Autre secteur » ne "
                "qualifie pas un professionnel.",
            )


class TrainingForm(forms.Form):
    juror = PersonChoiceField(
        label="Membre de jury formé", queryset=None, email_lookup="user__email"
    )
    version = ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)
    trained_on = forms.DateField(label="Date de la formation", widget=DATE_WIDGET)
    trainer = PersonLabelField(
        label="Formé par",
        queryset=None,
        help_text="La personne du certificateur que le référentiel désigne (pour OPS Conseil : "
        "la responsable de l'organisation des épreuves).",
    )
    attendance = forms.FileField(
        label="Feuille d'émargement ou attestation de présence (PDF, DOCX ou ODT)",
        required=False,
    )

    def __init__(self, *args, jurors, versions, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].bound(jurors)
        self.fields["version"].queryset = versions
        self.fields["trainer"].bound(trainers)
        # One published referential: nothing to choose, the view uses it.
        if versions.count() == 1:
            del self.fields["version"]


HISTORY_HELP = (
    "Seulement pour enregistrer une session qui a déjà eu lieu : une date passée est sinon refusée."
)


class SessionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=160)
    on = forms.DateField(label="Date de la session", widget=DATE_WIDGET)
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    remote = forms.BooleanField(label="À distance", required=False)
    version = ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)
    history = forms.BooleanField(
        label="Session passée (historique)", required=False, help_text=HISTORY_HELP
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionEditForm(forms.Form):
    """The session's title, day, place and deliverables deadline (sessions.update_session)."""

    title = forms.CharField(label="Intitulé", max_length=160)
    on = forms.DateField(
        label="Date de la session",
        widget=DATE_WIDGET,
        help_text="Les créneaux gardent leurs horaires et passent à la nouvelle date.",
    )
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    remote = forms.BooleanField(label="À distance", required=False)
    deliverables_due_at = forms.DateTimeField(
        label="Date limite de dépôt des livrables",
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        required=False,
        help_text="Laissez vide pour la date par défaut du référentiel.",
    )
    history = forms.BooleanField(
        label="Session passée (historique)", required=False, help_text=HISTORY_HELP
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation de la session",
        max_length=500,
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class PanelMemberForm(forms.Form):
    juror = PersonChoiceField(
        label="Membre de jury à ajouter", queryset=None, email_lookup="user__email"
    )

    def __init__(self, *args, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].bound(jurors)


TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _minutes(value) -> str:
    return f"{value} min" if value else "durée à fixer"


def fixed_durations(assessment) -> str:
    """ "30 min" or, for timed parts, "animation … 30 min, puis présentation … durée à fixer"."""
    if assessment.parts:
        return ", puis ".join(
            f"{part['title'][0].lower()}{part['title'][1:]} {_minutes(part['duration_minutes'])}"
            for part in assessment.parts
        )
    return _minutes(assessment.duration_minutes) if assessment.duration_minutes else ""


class AssessmentChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.parts:
            fixed = " (" + " + ".join(_minutes(p["duration_minutes"]) for p in obj.parts) + ")"
        else:
            fixed = f" ({obj.duration_minutes} min)" if obj.duration_minutes else ""
        return f"{obj.code} — {obj.title}{fixed}"


class CandidacyChoiceField(bounded.CandidacyChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.candidate.full_name} — {obj.get_pathway_display()}"


class SlotCandidacyForm(forms.Form):
    """The slot form's candidacy alone: the search endpoint renders its offer (the same
    field, label and ids as the page)."""

    candidacy = CandidacyChoiceField(
        label="Candidature",
        queryset=None,
        help_text="Les candidatures en cours d'évaluation sur le référentiel de la session.",
        refused="Candidature introuvable ou non convocable dans cette session : "
        "choisissez-en une parmi celles proposées.",
    )

    def __init__(self, *args, candidacies, query=None, chosen=None, searched=False, **kwargs):
        kwargs.setdefault("auto_id", "id_creneau_%s")
        super().__init__(*args, **kwargs)
        if chosen is None and self.is_bound:
            chosen = self.data.get("candidacy")
        self.fields["candidacy"].bound(candidacies, query=query, chosen=chosen, searched=searched)


ASSESSORS_HELP = (
    "Par défaut, tous les membres du jury de la session sans lien avec le candidat. Un membre "
    "ne siège jamais sur deux créneaux qui se chevauchent, dans aucune session."
)


class JurorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class SlotForm(SlotCandidacyForm):
    """A candidate convoked to a sitting of the session (planning.add_slot decides)."""

    field_order = ["assessment", "candidacy"]

    assessment = AssessmentChoiceField(label="Épreuve", queryset=None)
    start = forms.TimeField(label="Heure de début", widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label="Durée prévue (minutes)", min_value=1, max_value=480, required=False
    )
    room = forms.CharField(label="Salle", max_length=120, required=False)
    assessors = JurorChoiceField(
        label="Évaluateurs",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=ASSESSORS_HELP,
    )

    def __init__(self, *args, assessments, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments
        self.fields["assessors"].queryset = panel
        self.fields["assessors"].initial = list(panel)
        fixed = [f"{a.code} : {fixed_durations(a)}" for a in assessments if fixed_durations(a)]
        hint = "Le temps supplémentaire d'un aménagement s'ajoute de lui-même."
        if any(a.parts for a in assessments):
            hint = (
                "Pour une épreuve en plusieurs parties, indiquez la durée totale : la partie "
                "sans durée fixée prend le temps restant. " + hint
            )
        if fixed:
            hint = (
                "Durées fixées par le référentiel, jamais raccourcies ("
                + " ; ".join(fixed)
                + ") : laissez vide quand la durée est entièrement fixée. "
                + hint
            )
        self.fields["duration_minutes"].help_text = hint


class CancelSlotForm(forms.Form):
    slot = ModelChoiceField(label="Créneau à annuler", queryset=None)
    reason = forms.CharField(label="Motif de l'annulation", max_length=500)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'incident", choices=IncidentKind.choices)
    minutes = forms.IntegerField(
        label="Minutes de retard",
        required=False,
        min_value=1,
        max_value=240,
        help_text="Seulement pour un retard (de 1 à 240 minutes).",
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui s'est passé ; une absence excusée précise le justificatif.",
    )


class JurorFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        widget=SEARCH_WIDGET,
        help_text="Nom, prénom, courriel ou structure ; accents et majuscules indifférents.",
    )


class SessionFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        widget=SEARCH_WIDGET,
        help_text="Intitulé, lieu ou date (jj/mm/aaaa) ; accents et majuscules indifférents.",
    )
    etat = forms.ChoiceField(
        label="État", choices=[("", "---------"), *SessionStatus.choices], required=False
    )
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


class SlotEditForm(forms.Form):
    """A slot's time, duration, room and assessors (planning.update_slot decides)."""

    start = forms.TimeField(label="Heure de début", widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label="Durée prévue (minutes)",
        min_value=1,
        max_value=480,
        required=False,
        help_text="Sans le temps supplémentaire d'un aménagement, qui s'ajoute de lui-même.",
    )
    room = forms.CharField(label="Salle", max_length=120, required=False)
    assessors = JurorChoiceField(
        label="Évaluateurs",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=ASSESSORS_HELP,
    )
    reason = forms.CharField(
        label="Motif de la modification",
        max_length=500,
        required=False,
        help_text="Obligatoire une fois la convocation envoyée : il figure dans la "
        "convocation modifiée envoyée au candidat et aux évaluateurs.",
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = panel


class SessionReasonMixin(forms.Form):
    reason = forms.CharField(
        label="Motif de la modification",
        max_length=500,
        required=False,
        help_text="Obligatoire : les convocations sont envoyées ; les convoqués reçoivent la "
        "convocation modifiée avec ce motif.",
    )
