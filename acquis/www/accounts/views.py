"""Account pages: forgotten password (Django's views, our French templates and emails) and
accepting an invitation by choosing one's password.

The reset pages' templates live under www/accounts/ and not registration/: django.contrib.admin
comes first in INSTALLED_APPS and ships registration/password_reset_*.html, which would
shadow ours.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from acquis.emails.enums import EmailKind
from acquis.emails.services import send_email
from acquis.errors import AcquisError
from acquis.organisations import invitations
from acquis.security import throttle
from acquis.security.network import client_ip
from acquis.site import public_url
from acquis.www.perms import (
    has_candidate_role,
    is_certifier_staff,
    is_partner_staff,
    juror_profile,
)


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form; a lock (per account or per IP) says so, in French, with the same
    words whether the account exists or not."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte n'est pas actif.",
    }

    def get_invalid_login_error(self):
        until = getattr(self.request, "acquis_login_locked", None)
        if until is not None:
            return forms.ValidationError(throttle.locked_message(until), code="locked")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class ResetRequestForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the e-mail log (acquis.emails), like every e-mail of the application."""
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        send_email(kind=EmailKind.PASSWORD_RESET, to=to_email, subject=subject, body=body)


class ResetPasswordForm(auth_forms.SetPasswordForm):
    """Django's form (validators run on input); saving goes through the domain verb."""

    def save(self, commit=True):
        return invitations.reset_password(self.user, self.cleaned_data["new_password1"])


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "www/accounts/password_reset_form.html"
    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset_body.txt"
    # Django's own default names no namespace.
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # The link is built from SITE_URL, never from the request's Host header.
        return {"site_url": public_url(""), "validity": invitations.link_validity()}

    def form_valid(self, form):
        """A few e-mails per address per hour (`reset.email`): beyond, the page says the same
        and nothing is sent, so nobody learns whether the address has an account. Too many
        requests from one IP address are refused openly (that reveals nothing either)."""
        ip, email = client_ip(self.request), form.cleaned_data["email"]
        until = throttle.locked_until("reset.ip", ip)
        if until is not None:
            form.add_error(None, throttle.locked_message(until))
            return self.form_invalid(form)
        throttle.hit("reset.ip", ip)
        if throttle.locked_until("reset.email", email) is not None:
            return redirect(self.get_success_url())
        throttle.hit("reset.email", email)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "www/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        # Invitation links use the same token generator: an invited (inactive) account must
        # go through the invitation page, which activates it, not set a password here.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "www/accounts/password_reset_complete.html"


class ChoosePasswordForm(forms.Form):
    """Shape only: the two entries match. The service applies the password validators."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Saisissez le même mot de passe, pour vérification.",
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        return cleaned


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request, uidb64, token):
    # Dead links tried from one IP address are limited (`invitation.ip`): tokens cannot be
    # guessed, but nobody gets to try.
    ip = client_ip(request)
    until = throttle.locked_until("invitation.ip", ip)
    if until is not None:
        context = {"invalid": throttle.locked_message(until)}
        return render(request, "www/accounts/accept_invitation.html", context, status=429)
    try:
        invited = invitations.invited_user(uidb64, token)
    except AcquisError as exc:
        throttle.hit("invitation.ip", ip)
        return render(request, "www/accounts/accept_invitation.html", {"invalid": exc.message})
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(uidb64, token, form.cleaned_data["password1"])
        except AcquisError as exc:
            password = exc.field_messages().get("password")
            form.add_error("password1" if password else None, password or exc.message)
        else:
            # Choosing the password proves the person holds the mailbox: she is logged in
            # and lands on her own space (a second factor, when her role requires one, is
            # asked next by the middleware, as after any login).
            auth_login(request, user)
            messages.success(
                request,
                "Votre mot de passe est enregistré et votre compte est actif : bienvenue. "
                "Vous vous connecterez ensuite avec votre adresse électronique.",
            )
            return redirect("accounts:after_login")
    return render(
        request, "www/accounts/accept_invitation.html", {"form": form, "invited": invited}
    )


def after_login(request):
    """Where each audience lands after logging in: its own workspace."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if invitations.pending_offers(user).exists():
        return redirect("accounts:my_invitations")
    if is_certifier_staff(user):
        return redirect("staff:dashboard")  # « À suivre »
    if is_partner_staff(user):
        return redirect("partner:candidacies")
    if has_candidate_role(user):
        return redirect("candidate:dossier")
    if juror_profile(user) is not None:
        return redirect("jury:home")
    return redirect("public:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_invitations(request):
    """« Mes invitations »: the roles offered to the logged-in person, to accept or decline."""
    if request.method == "POST":
        accept = request.POST.get("action") == "accept"
        try:
            offer = invitations.decide_offer(
                _int(request.POST.get("invitation")), request.user, accept=accept
            )
        except AcquisError as exc:
            messages.error(request, exc.message)
        else:
            done = "acceptée : le rôle est à vous" if accept else "refusée"
            messages.success(
                request,
                f"Invitation « {offer.get_role_display()} — {offer.organisation} » {done}.",
            )
        return redirect("accounts:my_invitations")
    offers = invitations.pending_offers(request.user)
    return render(request, "www/accounts/my_invitations.html", {"offers": offers})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
