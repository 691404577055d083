"""Public check of an Open Badge (`/verifier/badge/`): anyone (an employer) gives the JSON
file a holder sent them and reads, in French, whether it is valid (`badge_check`)."""

from django import forms
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from acquis.credentials import badge_check
from acquis.errors import AcquisError
from acquis.security import throttle
from acquis.security.network import client_ip


class BadgeForm(forms.Form):
    file = forms.FileField(
        label="Fichier du badge (JSON, ou image PNG ou SVG)",
        required=False,
        help_text="Le fichier « badge-….json », ou l'image du badge, reçu du titulaire.",
    )
    content = forms.CharField(
        label="Ou collez le contenu du badge",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Adresse électronique du titulaire (facultatif)",
        required=False,
        help_text="Pour vérifier que le badge est bien le sien : l'adresse n'est pas lisible "
        "dans le badge, seule son empreinte y figure.",
    )

    def clean(self):
        data = super().clean()
        upload, content = data.get("file"), (data.get("content") or "").strip()
        if upload is None and not content:
            raise forms.ValidationError(
                "Choisissez le fichier du badge ou collez son contenu JSON."
            )
        if upload is not None and upload.size > badge_check.MAX_BYTES:
            self.add_error(
                "file",
                f"Fichier trop volumineux : un badge pèse au plus "
                f"{badge_check.MAX_BYTES // 1024} Kio.",
            )
            return data
        raw = upload.read() if upload is not None else content.encode("utf-8")
        try:
            data["credential"] = badge_check.parse(raw)
        except AcquisError as error:
            self.add_error("file" if upload is not None else "content", str(error))
        return data


@require_http_methods(["GET", "POST"])
@never_cache
def check_badge(request):
    posted = request.method == "POST"
    if posted:
        # Each check canonicalises a JSON-LD document: a few dozen per IP and 10 minutes.
        until = throttle.locked_until("badge_check.ip", client_ip(request))
        if until is not None:
            context = {"form": BadgeForm(), "blocked": throttle.locked_message(until)}
            return render(request, "www/public/badge_check.html", context, status=429)
        throttle.hit("badge_check.ip", client_ip(request))
    form = BadgeForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        result = badge_check.check(
            form.cleaned_data["credential"], email=form.cleaned_data.get("email") or ""
        )
    status = 400 if form.errors else 200
    return render(
        request, "www/public/badge_check.html", {"form": form, "result": result}, status=status
    )
