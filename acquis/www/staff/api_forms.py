"""Forms of the API clients and webhooks screens: the shape of the input; the services of
acquis.integrations decide (scopes, partner, URL, events)."""

from django import forms

from acquis.integrations.enums import EventType, Scope
from acquis.www.bounded import ModelChoiceField


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label="Nom du client",
        max_length=120,
        help_text="Le système qui appellera l'API, par exemple « CRM de Formation Plus ».",
    )
    partner = ModelChoiceField(
        label="Organisme partenaire",
        queryset=None,
        required=False,
        empty_label="Aucun : client du certificateur (toutes les candidatures)",
        help_text="Un client de partenaire ne voit et n'écrit que les candidatures de cet "
        "organisme.",
    )
    scopes = forms.MultipleChoiceField(
        label="Droits", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    contact_email = forms.EmailField(
        label="Courriel du contact technique",
        required=False,
        help_text="Prévenu si un abonnement aux événements est désactivé après des échecs.",
    )
    expires_at = forms.DateField(
        label="Expire le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Facultatif : après cette date, ses jetons sont refusés.",
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label="Adresse de réception",
        max_length=500,
        assume_scheme="https",
        help_text="Adresse https:// du système du client ; chaque envoi y est signé.",
    )
    events = forms.MultipleChoiceField(
        label="Événements", choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
