"""The one clock of the survey pages: tests replace `now` (monkeypatch) instead of
depending on today's date; services take `now=` explicitly."""

from django.utils import timezone


def now():
    return timezone.now()
