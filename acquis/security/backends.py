"""Login with throttling: per account and per client IP (`acquis.security.throttle`).

Django's `authenticate()` calls this backend for every password check that carries a
request: the login form, the administration's login. A locked account or IP is refused
*before* the password is checked, with the same French message whether the account exists
or not; the lock is put on `request.acquis_login_locked` for the form to show.
Without a request (shell, the test client's `login()`), nothing is counted.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from acquis.security import throttle
from acquis.security.network import client_ip

ACCOUNT, IP = "login.account", "login.ip"


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if request is None or username is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        username = username.strip().lower()  # one account, one throttle, whatever the case
        ip = client_ip(request)
        until = throttle.locked_until(ACCOUNT, username) or throttle.locked_until(IP, ip)
        if until is not None:
            request.acquis_login_locked = until
            raise PermissionDenied(throttle.locked_message(until))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            until = throttle.hit(ACCOUNT, username)
            until = throttle.hit(IP, ip) or until
            if until is not None:
                request.acquis_login_locked = until
        else:
            throttle.clear(ACCOUNT, username)
        return user
