"""The short insertion survey form (public, by personal link)."""

from django import forms

from acquis.followup.enums import ContractType, Helped, Rating, Sector, Situation, WorkingTime

NONE_OF_THEM = "__aucun__"


class SurveyForm(forms.Form):
    situation = forms.ChoiceField(
        label="Quelle est votre situation aujourd'hui ?",
        choices=Situation.choices,
        widget=forms.RadioSelect,
    )
    job_title = forms.CharField(
        label="Intitulé de votre emploi",
        max_length=160,
        required=False,
        help_text="Si vous êtes en emploi. Par exemple : conseillère en insertion professionnelle.",
    )
    targeted_job = forms.ChoiceField(
        label="Votre emploi fait-il partie des métiers suivants ?",
        required=False,
        widget=forms.RadioSelect,
        help_text="Les métiers que vise la certification. Si vous êtes en emploi.",
    )
    contract_type = forms.ChoiceField(
        label="Type de contrat",
        choices=[("", "—"), *ContractType.choices],
        required=False,
        help_text="Si vous êtes en emploi.",
    )
    working_time = forms.ChoiceField(
        label="Temps de travail",
        choices=[("", "—"), *WorkingTime.choices],
        required=False,
        help_text="Si vous êtes en emploi.",
    )
    sector = forms.ChoiceField(
        label="Secteur de votre employeur",
        choices=[("", "—"), *Sector.choices],
        required=False,
        help_text="Si vous êtes en emploi.",
    )
    helped = forms.ChoiceField(
        label="La certification vous a-t-elle aidé(e) dans votre parcours ?",
        choices=Helped.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, jobs: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(job["title"], job["title"][:1].upper() + job["title"][1:]) for job in jobs]
        self.fields["targeted_job"].choices = [*choices, (NONE_OF_THEM, "Aucun de ces métiers")]
        if not jobs:
            del self.fields["targeted_job"]

    def clean(self):
        data = super().clean()
        if data.get("situation") == Situation.EMPLOYED:
            if not data.get("contract_type"):
                self.add_error("contract_type", "Indiquez le type de contrat de votre emploi.")
            if "targeted_job" in self.fields and not data.get("targeted_job"):
                self.add_error(
                    "targeted_job", "Indiquez si votre emploi fait partie de ces métiers."
                )
        return data

    def answer(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("targeted_job") in (NONE_OF_THEM, None):
            data["targeted_job"] = ""
        return data

    @staticmethod
    def initial_from(answer) -> dict:
        if answer is None:
            return {}
        return {
            "situation": answer.situation,
            "job_title": answer.job_title,
            "targeted_job": answer.targeted_job or NONE_OF_THEM,
            "contract_type": answer.contract_type,
            "working_time": answer.working_time,
            "sector": answer.sector,
            "helped": answer.helped,
        }


class SatisfactionForm(forms.Form):
    overall = forms.ChoiceField(
        label="Dans l'ensemble, êtes-vous satisfait(e) ?",
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    organisation = forms.ChoiceField(
        label="L'organisation et l'information reçue vous ont-elles satisfait(e) ?",
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
