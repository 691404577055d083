"""Forms of the staff evaluation screens (jurors, sessions): shape only; the services decide."""

from django import forms

from acquis.www.staff.candidate_forms import DATE_WIDGET


class JurorForm(forms.Form):
    user = forms.ModelChoiceField(
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
    proof = forms.FileField(
        label="Pièce justificative de l'expérience (PDF, DOCX ou ODT)", required=False
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class TrainingForm(forms.Form):
    juror = forms.ModelChoiceField(label="Membre de jury formé", queryset=None)
    version = forms.ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)
    trained_on = forms.DateField(label="Date de la formation", widget=DATE_WIDGET)
    trained_by = forms.CharField(label="Formé par", max_length=160)

    def __init__(self, *args, jurors, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["version"].queryset = versions
        # One published referential: nothing to choose, the view uses it.
        if versions.count() == 1:
            del self.fields["version"]


class SessionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=160)
    on = forms.DateField(label="Date de la session", widget=DATE_WIDGET)
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    remote = forms.BooleanField(label="À distance", required=False)
    version = forms.ModelChoiceField(label="Référentiel", queryset=None, empty_label=None)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions


class PanelMemberForm(forms.Form):
    juror = forms.ModelChoiceField(label="Membre de jury à ajouter", queryset=None)

    def __init__(self, *args, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
