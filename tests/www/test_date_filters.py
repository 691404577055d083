"""The screens' numeric date filters show exactly what Django's `date` filter showed."""

import datetime as dt

import pytest
from django.template import engines

CASES = [
    dt.date(2026, 1, 5),
    dt.date(1999, 12, 31),
    # 23:30 UTC on 31 December is already 1 January in Paris: the local date is shown.
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 14, 8, 5, tzinfo=dt.UTC),
    None,
    "",
]
PAIRS = [
    ("short_date", 'date:"d/m/Y"'),
    ("short_datetime", 'date:"d/m/Y H:i"'),
    ("short_datetime_at", 'date:"d/m/Y à H:i"'),
]


# A time of day is shown only for a datetime.
COMBINATIONS = [
    (ours, theirs, value)
    for ours, theirs in PAIRS
    for value in CASES
    if ours == "short_date" or not isinstance(value, dt.date) or isinstance(value, dt.datetime)
]


@pytest.mark.parametrize(("ours", "django_filter", "value"), COMBINATIONS, ids=repr)
def test_same_text_as_djangos_date_filter(ours, django_filter, value):
    engine = engines["django"]
    mine = engine.from_string(f"{{{{ v|{ours} }}}}").render({"v": value})
    theirs = engine.from_string(f"{{{{ v|{django_filter} }}}}").render({"v": value})
    assert mine == theirs


def test_the_local_date_of_a_late_utc_time():
    value = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    rendered = engines["django"].from_string("{{ v|short_datetime }}").render({"v": value})
    assert rendered == "01/01/2027 00:30"
