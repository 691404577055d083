"""Session limits: an authenticated session ends after ACQUIS_SESSION_IDLE_SECONDS without a
request, and SESSION_COOKIE_AGE after login whatever the activity (a shared computer in a
training centre must not stay signed in)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url

LOGIN_AT = "acquis_login_at"
SEEN_AT = "acquis_seen_at"
# The idle clock is written at most once a minute: not one session write per request.
TOUCH_EVERY = 60
EXPIRED = "Votre session a expiré (inactivité ou durée maximale atteinte) : reconnectez-vous."


def now() -> int:
    return int(time.time())


def expired(session, moment: int) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return False
    idle = moment - seen_at > settings.ACQUIS_SESSION_IDLE_SECONDS
    return idle or moment - login_at > settings.SESSION_COOKIE_AGE


def start_session_clock(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            moment, session = now(), request.session
            if expired(session, moment):
                logout(request)
                messages.info(request, EXPIRED)
                if request.headers.get("HX-Request") == "true":
                    # htmx (the grid's autosave): the whole page goes to the login form.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if LOGIN_AT not in session:  # a session opened before this middleware existed
                session[LOGIN_AT] = session[SEEN_AT] = moment
            elif moment - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
                session[SEEN_AT] = moment
        return self.get_response(request)
