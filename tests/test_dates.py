"""The one place that writes French dates (acquis/dates.py)."""

from datetime import UTC, date, datetime

from acquis.dates import french_date, short_date


def test_short_date_from_a_date_a_datetime_or_the_iso_form_of_a_pv():
    assert short_date(date(2026, 6, 1)) == "01/06/2026"
    assert short_date(datetime(2026, 6, 12, 21, 59, tzinfo=UTC)) == "12/06/2026"
    assert short_date("2026-06-12") == "12/06/2026"
    assert short_date(None) is None and short_date("") == ""


def test_french_date_in_words():
    assert french_date(date(2026, 6, 1)) == "1er juin 2026"
    assert french_date("2026-12-24") == "24 décembre 2026"
