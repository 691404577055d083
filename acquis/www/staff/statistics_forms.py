"""The filters of the statistics page (GET): shape and French errors only."""

from django import forms

from acquis.candidates.enums import Pathway
from acquis.exports.statistics import Filters
from acquis.www.bounded import ModelChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEAR_ERROR = "Année de délibération : saisissez une année sur quatre chiffres, par exemple 2025."


def _date_errors(label: str) -> dict:
    return {"invalid": f"{label} : date invalide ; saisissez une date au format JJ/MM/AAAA."}


class StatisticsFilterForm(forms.Form):
    certification = forms.ChoiceField(
        label="Certification",
        required=False,
        error_messages={"invalid_choice": "Certification : choix inconnu."},
    )
    annee = forms.IntegerField(
        label="Année de délibération",
        required=False,
        min_value=1900,
        max_value=2999,
        error_messages={"invalid": YEAR_ERROR, "min_value": YEAR_ERROR, "max_value": YEAR_ERROR},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    du = forms.DateField(
        label="Délibérations du",
        required=False,
        widget=DATE_WIDGET,
        error_messages=_date_errors("Délibérations du"),
    )
    au = forms.DateField(
        label="Délibérations au",
        required=False,
        widget=DATE_WIDGET,
        error_messages=_date_errors("Délibérations au"),
    )
    promotion = ModelChoiceField(
        label="Promotion",
        queryset=None,
        required=False,
        empty_label="Toutes",
        error_messages={"invalid_choice": "Promotion : choix inconnu."},
    )
    voie = forms.ChoiceField(
        label="Voie d'accès",
        choices=[("", "Toutes"), *Pathway.choices],
        required=False,
        error_messages={"invalid_choice": "Voie d'accès : choix inconnu."},
    )
    partenaire = ModelChoiceField(
        label="Organisme partenaire",
        queryset=None,
        required=False,
        empty_label="Tous",
        error_messages={"invalid_choice": "Organisme partenaire : choix inconnu."},
    )

    def __init__(self, *args, versions, cohorts, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promotion"].queryset = cohorts
        self.fields["partenaire"].queryset = partners
        # "c<pk>": a certification, every version; "v<pk>": one version.
        self._targets, choices, seen = {}, [("", "Toutes")], set()
        for version in versions:
            certification = version.certification
            if certification.pk not in seen:
                seen.add(certification.pk)
                key = f"c{certification.pk}"
                self._targets[key] = ("certification", certification)
                choices.append((key, f"{certification.title} (toutes versions)"))
            key = f"v{version.pk}"
            self._targets[key] = ("version", version)
            choices.append((key, f"{certification.title} — version {version.number}"))
        self.fields["certification"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("annee") and (data.get("du") or data.get("au")):
            self.add_error(
                "annee",
                "Année de délibération : choisissez une année ou une période "
                "« du … au … », pas les deux.",
            )
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            self.add_error(
                "au", "Délibérations au : cette date précède celle de début de la période."
            )
        return data

    def filters(self) -> Filters:
        """The domain filters (call after is_valid())."""
        data = self.cleaned_data
        target = {}
        if data.get("certification"):
            kind, obj = self._targets[data["certification"]]
            target[kind] = obj
        common = {
            "cohort": data.get("promotion"),
            "pathway": data.get("voie") or "",
            "partner": data.get("partenaire"),
            **target,
        }
        if data.get("annee"):
            return Filters.for_year(data["annee"], **common)
        return Filters(date_from=data.get("du"), date_to=data.get("au"), **common)
