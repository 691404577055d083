"""Forms of the insertion survey pages (staff): a new campaign, the renewal file's choice."""

from django import forms
from django.conf import settings

from acquis.errors import AcquisError
from acquis.followup.renewal import parse_years
from acquis.www.bounded import ModelChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, **kw) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        error_messages={
            "invalid": f"{label} : date invalide ; saisissez une date au format JJ/MM/AAAA.",
            "required": f"{label} : ce champ est obligatoire.",
        },
        **kw,
    )


class CampaignForm(forms.Form):
    certification = ModelChoiceField(
        label="Certification",
        queryset=None,
        error_messages={"invalid_choice": "Certification : choix inconnu."},
    )
    title = forms.CharField(label="Intitulé de la campagne", max_length=160)
    delay_months = forms.TypedChoiceField(
        label="Délai après la décision",
        coerce=int,
        help_text="Les personnes sont interrogées ce nombre de mois après la décision du jury.",
    )
    decided_from = _date("Décisions du")
    decided_to = _date("Décisions au")
    cohort = ModelChoiceField(
        label="Promotion (facultatif)",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Promotion : choix inconnu."},
    )
    include_partial = forms.BooleanField(
        label="Interroger aussi les personnes ayant une validation partielle", required=False
    )
    closes_on = _date("Clôture de l'enquête le")
    reminder_days = forms.IntegerField(
        label="Relance après (jours)", min_value=1, max_value=90, initial=14
    )

    def __init__(self, *args, certifications, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = certifications
        self.fields["cohort"].queryset = cohorts
        delays = settings.ACQUIS_FOLLOWUP["delays"]
        self.fields["delay_months"].choices = [(d, f"{d} mois") for d in delays]
        self.fields["include_partial"].initial = settings.ACQUIS_FOLLOWUP["include_partial"]


class RenewalForm(forms.Form):
    certification = ModelChoiceField(
        label="Certification",
        queryset=None,
        error_messages={"invalid_choice": "Certification : choix inconnu."},
    )
    annees = forms.CharField(
        label="Années", max_length=9, help_text="Par exemple 2023-2025 (années de décision)."
    )

    def __init__(self, *args, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = certifications

    def clean_annees(self):
        try:
            return parse_years(self.cleaned_data["annees"])
        except AcquisError as error:
            raise forms.ValidationError(str(error)) from error
