"""Forms of the staff's organisation screens: they check the input's shape; the services
(acquis.organisations.partners, .invitations) decide and enforce who may do what."""

from django import forms

from acquis.organisations.enums import Habilitation, Role
from acquis.www.bounded import ModelChoiceField


class PartnerForm(forms.Form):
    certifier = ModelChoiceField(
        label="Certificateur", queryset=None, empty_label=None, required=True
    )
    name = forms.CharField(label="Nom de l'organisme", max_length=255)
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres ; les espaces sont acceptés.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    habilitation = forms.ChoiceField(label="Habilitation", choices=Habilitation.choices)

    def __init__(self, *args, certifiers, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["certifier"]
        field.queryset = certifiers
        if len(certifiers) == 1:  # the usual case: no choice to make
            field.initial = certifiers[0]
            field.widget = forms.HiddenInput()


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, targets, **kwargs):
        """`targets`: organisation → roles the actor may grant there (only these are offered)."""
        super().__init__(*args, **kwargs)
        self.targets = {organisation.pk: organisation for organisation in targets}
        self.fields["organisation"].choices = [
            (organisation.pk, _organisation_label(organisation)) for organisation in targets
        ]
        offered = {role for roles in targets.values() for role in roles}
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in offered]

    def clean_organisation(self):
        return self.targets[self.cleaned_data["organisation"]]


def _organisation_label(organisation) -> str:
    if organisation.certifier_id is None:
        return f"{organisation.name} (certificateur)"
    return f"{organisation.name} (partenaire)"
