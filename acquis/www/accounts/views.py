"""Account pages: forgotten password (Django's views, our French templates and emails) and
accepting an invitation by choosing one's password.

The reset pages' templates live under www/accounts/ and not registration/: django.contrib.admin
comes first in INSTALLED_APPS and ships registration/password_reset_*.html, which would
shadow ours.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from acquis.organisations import invitations
from acquis.organisations.exceptions import OrganisationError
from acquis.site import public_url


class ResetRequestForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ResetPasswordForm(auth_forms.SetPasswordForm):
    """Django's form (validators run on input); saving goes through the domain verb."""

    def save(self, commit=True):
        return invitations.reset_password(self.user, self.cleaned_data["new_password1"])


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "www/accounts/password_reset_form.html"
    subject_template_name = "www/emails/password_reset_subject.txt"
    email_template_name = "www/emails/password_reset_body.txt"

    @property
    def extra_email_context(self):
        # The link is built from SITE_URL, never from the request's Host header.
        return {"site_url": public_url(""), "validity": invitations.link_validity()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "www/accounts/password_reset_confirm.html"

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
    try:
        invited = invitations.invited_user(uidb64, token)
    except OrganisationError as exc:
        return render(request, "www/accounts/accept_invitation.html", {"invalid": exc.message})
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.accept_invitation(uidb64, token, form.cleaned_data["password1"])
        except OrganisationError as exc:
            form.add_error(
                "password1" if exc.field == "password" else None, exc.issues or exc.message
            )
        else:
            messages.success(
                request,
                "Votre mot de passe est enregistré et votre compte est actif : "
                "connectez-vous avec votre adresse électronique.",
            )
            return redirect("login")
    return render(
        request, "www/accounts/accept_invitation.html", {"form": form, "invited": invited}
    )


def after_login(request):
    """Where each audience lands after logging in: its own workspace."""
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import redirect

    from acquis.www.candidate.perms import has_candidate_role
    from acquis.www.jury.perms import juror_profile
    from acquis.www.partner.perms import is_partner_staff
    from acquis.www.perms import is_certifier_staff

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_certifier_staff(user):
        return redirect("staff_candidacies")
    if is_partner_staff(user):
        return redirect("partner_candidacies")
    if has_candidate_role(user):
        return redirect("candidate_dossier")
    if juror_profile(user) is not None:
        return redirect("jury_home")
    return redirect("home")
