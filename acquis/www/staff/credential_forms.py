"""The search and filters of the staff list of issued documents."""

from django import forms

from acquis.credentials.enums import DocumentKind
from acquis.www.staff.candidate_forms import DATE_WIDGET, SEARCH_WIDGET

VALID, REVOKED = "valide", "revoque"


class DocumentFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        widget=SEARCH_WIDGET,
        help_text="Nom du titulaire ou numéro du document ; accents et majuscules indifférents.",
    )
    document = forms.ChoiceField(
        label="Document", choices=[("", "---------"), *DocumentKind.choices], required=False
    )
    etat = forms.ChoiceField(
        label="État",
        choices=[("", "---------"), (VALID, "Valide"), (REVOKED, "Révoqué")],
        required=False,
    )
    du = forms.DateField(label="Délivré du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Délivré jusqu'au", required=False, widget=DATE_WIDGET)
