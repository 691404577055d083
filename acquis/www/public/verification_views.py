"""The public verification page of an issued document (the target of its QR code), and the
same page reached by typing the document's number or verification code."""

from django import forms
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acquis.credentials import verification
from acquis.security.network import client_ip as _client_ip

TEMPLATE = "www/public/verification.html"


class LookupForm(forms.Form):
    code = forms.CharField(
        label="Numéro du document ou code de vérification",
        max_length=100,
        help_text="Le numéro imprimé sur le document (par exemple OPS-2026-0001) ou le code "
        "figurant sous le code QR.",
        widget=forms.TextInput(
            attrs={
                "inputmode": "text",
                "autocomplete": "off",
                "autocapitalize": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )


@require_GET
@never_cache
def verify_document(request, code):
    ip = _client_ip(request)
    if verification.blocked(ip):
        return render(request, TEMPLATE, {"blocked": True}, status=429)
    document = verification.find(code)
    if document is None:
        verification.record_failure(ip)
        return render(request, TEMPLATE, {"unknown": True}, status=404)
    context = {"result": verification.verify(document)}
    return render(request, TEMPLATE, context)


@require_GET
@never_cache
def verify_lookup(request):
    """`/verifier/?code=…`: the field to type what the document shows, then its result."""
    form = LookupForm(request.GET or None)
    context = {"form": form}
    if not form.is_bound:
        return render(request, TEMPLATE, context)
    ip = _client_ip(request)
    if verification.blocked(ip):
        return render(request, TEMPLATE, context | {"blocked": True}, status=429)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    document = verification.lookup(form.cleaned_data["code"], ip)
    if document is None:
        form.add_error(
            "code",
            "Document introuvable : aucun document délivré ne porte ce numéro ou ce code. "
            "Vérifiez la saisie.",
        )
        return render(request, TEMPLATE, context, status=404)
    return render(request, TEMPLATE, context | {"result": verification.verify(document)})
