"""Send a logged-in person who has not given their second factor to the right page.

After django-otp's OTPMiddleware (which reads the verified device from the session): an
enrolled person gives their code (`two_factor_verify`); a person who must use a second
factor and has none enrols (`two_factor_setup`); the others go on. Only the pages of this
step, logging out and static files stay reachable meanwhile.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from acquis.security import twofactor

ALWAYS_OPEN = ("accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._open(request):
            enrolled, required = twofactor.status(user)
            if enrolled:
                return self._to("accounts:two_factor_verify", request)
            if required:
                return self._to("accounts:two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path_info
        if path.startswith("/static/"):
            return True
        return any(path == reverse(name) for name in ALWAYS_OPEN)

    @staticmethod
    def _to(name: str, request):
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
