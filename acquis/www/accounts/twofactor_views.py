"""Second factor pages: the code after the password, enrolment, and « Mon compte › Sécurité ».

Each page calls a verb of `acquis.security.twofactor`; a refusal shows its French message
beside the code field.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from acquis.errors import AcquisError
from acquis.security import twofactor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code de vérification",
        max_length=20,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "Saisissez le code de vérification."},
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _continue(request):
    target = _next(request)
    return redirect(target) if target else redirect("accounts:after_login")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code after the password (an enrolled person, or one who must be)."""
    if request.user.is_verified():
        return _continue(request)
    if not twofactor.is_enrolled(request.user):
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(request.user, form.cleaned_data["code"])
        except AcquisError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            return _continue(request)
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next(request)}
    return render(request, "www/accounts/two_factor_verify.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment: scan the QR code (or type the key), give the first code, keep the codes."""
    user = request.user
    if twofactor.is_enrolled(user):
        return redirect("accounts:account_security")
    device = twofactor.totp_device(user, confirmed=False)
    if request.method == "GET" or device is None:
        device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        except AcquisError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, twofactor.totp_device(user))
            return render(
                request,
                "www/accounts/two_factor_codes.html",
                {"codes": codes, "next": _next(request), "enrolled_now": True},
            )
    context = {
        "form": form,
        "provisioning": twofactor.provisioning(device, user),
        "required": twofactor.requires_two_factor(user),
        "next": _next(request),
    }
    status = 400 if form.errors else 200
    return render(request, "www/accounts/two_factor_setup.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_security(request):
    """« Mon compte › Sécurité »: the second factor's state, new recovery codes, turning it
    off when it is optional."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "codes":
            codes = twofactor.regenerate_recovery_codes(user)
            return render(
                request, "www/accounts/two_factor_codes.html", {"codes": codes, "next": ""}
            )
        if action == "disable":
            twofactor.disable(user)
            messages.success(request, "La double authentification est désactivée.")
            return redirect("accounts:account_security")
    except AcquisError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:account_security")
    context = {
        "enrolled": twofactor.is_enrolled(user),
        "required": twofactor.requires_two_factor(user),
        "codes_left": twofactor.recovery_codes_left(user),
    }
    return render(request, "www/accounts/account_security.html", context)
