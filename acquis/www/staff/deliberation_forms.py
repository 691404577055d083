"""Forms of the staff deliberation screens: shape only; the juries verbs decide. The decision
form, which the jury members post too, is in acquis/www/shared/deliberation.py.
"""

from django import forms

from acquis.juries.enums import DeliberationStatus, JuryKind
from acquis.www import bounded
from acquis.www.bounded import ModelChoiceField, PersonChoiceField
from acquis.www.staff.candidate_forms import DATE_WIDGET


class DeliberationForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=160)
    kind = forms.ChoiceField(label="Jury", choices=JuryKind.choices)
    on = forms.DateField(label="Date de la délibération", widget=DATE_WIDGET)
    place = forms.CharField(label="Lieu", max_length=255)
    version = ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


class UserChoiceField(PersonChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class MemberForm(forms.Form):
    user = UserChoiceField(
        label="Membre",
        queryset=None,
        help_text="Les comptes ayant le rôle « membre de jury » chez le certificateur : "
        "chaque membre signe le procès-verbal avec son mot de passe.",
    )
    role = forms.ChoiceField(
        label="Qualité",
        choices=(),
        help_text="Les qualités de la composition du jury que fixe le référentiel.",
    )
    external = forms.BooleanField(
        label="Extérieur au certificateur",
        required=False,
        help_text="Le référentiel dit, pour chaque qualité, si le membre est extérieur à "
        "l'organisme certificateur.",
    )
    organisation = forms.CharField(label="Structure représentée", max_length=255, required=False)

    def __init__(self, *args, users, roles, **kwargs):
        kwargs.setdefault("auto_id", "id_membre_%s")
        super().__init__(*args, **kwargs)
        self.fields["user"].bound(users)
        self.fields["role"].choices = roles


class CohortForm(forms.Form):
    cohort = ModelChoiceField(label="Promotion", queryset=None)

    def __init__(self, *args, cohorts, **kwargs):
        kwargs.setdefault("auto_id", "id_promotion_%s")
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class CandidacyChoiceField(bounded.CandidacyChoiceField):
    def label_from_instance(self, obj):
        cohort = f", {obj.cohort}" if obj.cohort_id else ""
        return f"{obj.candidate.full_name} — {obj.get_pathway_display()}{cohort}"


class CandidateForm(forms.Form):
    """One candidate added to the list: a select, or a search when many await the jury (the
    search endpoint renders this same form's offer)."""

    candidacy = CandidacyChoiceField(
        label="Candidat en attente du jury",
        queryset=None,
        help_text="Les candidatures en attente du jury sur le référentiel de la délibération, "
        "inscrites sur aucune autre liste en cours.",
        refused="Candidature introuvable ou pas en attente de ce jury : choisissez-en une "
        "parmi celles proposées.",
    )

    def __init__(self, *args, candidacies, query=None, chosen=None, searched=False, **kwargs):
        kwargs.setdefault("auto_id", "id_candidat_%s")
        super().__init__(*args, **kwargs)
        if chosen is None and self.is_bound:
            chosen = self.data.get("candidacy")
        self.fields["candidacy"].bound(candidacies, query=query, chosen=chosen, searched=searched)


class SuspendForm(forms.Form):
    reason = forms.CharField(label="Motif de la suspension", max_length=500, required=False)


class DeliberationFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label="État", choices=[("", "---------"), *DeliberationStatus.choices], required=False
    )
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
