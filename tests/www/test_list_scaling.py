"""No page grows with the data: each list is built with a few items, then with many (copied
in bulk, the domain services being too slow for hundreds of rows), and must run the same
number of queries and stay under a fixed size."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acquis import search
from acquis.credentials.models import IssuedDocument
from acquis.evaluations import services
from acquis.evaluations.models import JurorProfile, Slot, SlotAssessor
from acquis.juries.enums import DeliberationStatus, JuryKind
from acquis.juries.models import Deliberation, JuryMember
from acquis.organisations.models import User
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MANY = 200
# A page of 50 rows (or a bounded home page) stays well under this many bytes.
MAX_BYTES = 80_000


def _copies(obj, count, vary):
    """`count` copies of a saved row in one INSERT; `vary(i)` gives each copy's differences."""
    model = type(obj)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = []
    for i in range(count):
        row = model(**{f.attname: getattr(obj, f.attname) for f in fields})
        for name, value in vary(i).items():
            setattr(row, name, value)
        rows.append(row)
    return model.objects.bulk_create(rows)


def _measure(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), len(response.content)


def _assert_bounded(client, url, grow):
    """Same query count and a bounded size before and after `grow()` adds many rows."""
    few_queries, few_bytes = _measure(client, url)
    grow()
    many_queries, many_bytes = _measure(client, url)
    assert many_queries == few_queries, f"{url} : {few_queries} puis {many_queries} requêtes"
    assert many_bytes < MAX_BYTES, f"{url} : {many_bytes} octets"
    return few_bytes, many_bytes


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _deliberation(version, **kw):
    fields = {
        "certifier": version.certification.owner,
        "version": version,
        "kind": JuryKind.CERTIFICATION,
        "title": "Délibération 0",
        "date": timezone.localdate(),
        "place": "Bron",
    }
    return Deliberation.objects.create(**(fields | kw))


def _more_deliberations(first, count=MANY):
    today = timezone.localdate()
    return lambda: _copies(
        first,
        count,
        lambda i: {"title": f"Délibération {i + 1}", "date": today - timedelta(days=i)},
    )


def test_staff_deliberation_list(client, personas, ops_version):
    first = _deliberation(ops_version)
    _deliberation(ops_version, title="Délibération bis")
    _login(client, personas["responsable_epreuves"])
    _assert_bounded(client, reverse("staff:deliberations"), _more_deliberations(first))
    html = client.get(reverse("staff:deliberations") + "?page=2").content.decode()
    assert "Page 2 sur 5" in html and 'href="?page=3"' in html


def test_staff_session_list(client, personas, ops_version):
    first = ef.session(ops_version, title="Session 0")
    ef.session(ops_version, title="Session bis", jurors=[])
    today = timezone.localdate()
    _login(client, personas["responsable_epreuves"])
    _assert_bounded(
        client,
        reverse("staff:sessions"),
        lambda: _copies(
            first, MANY, lambda i: {"title": f"Session {i}", "date": today + timedelta(days=i)}
        ),
    )


def test_staff_juror_list(client, personas, ops_version):
    certifier = ops_version.certification.owner
    first = ef.juror(certifier, ops_version, represents=True)
    ef.juror(certifier, ops_version)

    def grow():
        users = User.objects.bulk_create(
            User(email=f"jure-en-masse-{i}@exemple.fr", first_name="Jo", last_name=f"Juré{i:03d}")
            for i in range(MANY)
        )
        _copies(first, MANY, lambda i: {"user_id": users[i].pk})

    _login(client, personas["responsable_epreuves"])
    _assert_bounded(client, reverse("staff:jurors"), grow)
    assert JurorProfile.objects.count() == MANY + 2


def test_staff_document_list(client, personas, ops_version):
    certifier = ops_version.certification.owner
    signed = _deliberation(ops_version, status=DeliberationStatus.SIGNED)
    _deliberation(ops_version, title="Signée bis", status=DeliberationStatus.SIGNED)
    now = timezone.now()
    document = IssuedDocument.objects.create(
        certifier=certifier,
        kind="certificate",
        number="C-0",
        verification_code="code-0",
        file="issued/c0.pdf",
        sha256="0" * 64,
        issued_at=now,
    )

    def grow():
        _more_deliberations(signed)()
        _copies(
            document,
            MANY,
            lambda i: {
                "number": f"C-{i + 1}",
                "verification_code": f"code-{i + 1}",
                "issued_at": now - timedelta(hours=i),
            },
        )

    _login(client, personas["responsable_epreuves"])
    _assert_bounded(client, reverse("staff:credentials"), grow)
    html = client.get(reverse("staff:credentials") + "?page=2&page_deliberations=3").content
    html = html.decode()
    assert "Page 2 sur 5" in html and "Page 3 sur 11" in html
    # Each pager keeps the other's page in its links.
    assert 'href="?page_deliberations=3&amp;page=3"' in html
    assert 'href="?page=2&amp;page_deliberations=4"' in html


# --- the juror's pages --------------------------------------------------------------------


@pytest.fixture
def juror_slots(personas, ops_version):
    """The juror persona assesses three slots: 10 days ago, today and in 10 days; `grow`
    adds MANY more, one a day from 100 days ago to 100 days ahead."""
    certifier = ops_version.certification.owner
    profile = services.record_juror(
        user=personas["jure"],
        certifier=certifier,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    ef.train(profile, ops_version)
    representative = ef.juror(certifier, ops_version, represents=True)
    today = timezone.localdate()
    slots = []
    for days in (-10, 0, 10):
        candidacy = ef.started_candidacy(ops_version)
        session = ef.session(
            ops_version, on=today + timedelta(days=days), jurors=[representative, profile]
        )
        slot = ef.slot(session, candidacy)
        SlotAssessor.objects.create(slot=slot, juror=profile)
        slots.append(slot)

    def grow():
        session = slots[1].session
        sessions = _copies(
            session,
            MANY,
            lambda i: {"title": f"Session {i}", "date": today + timedelta(days=i - MANY // 2)},
        )
        copies = _copies(
            slots[1],
            MANY,
            lambda i: {
                "session_id": sessions[i].pk,
                "starts_at": ef.at(sessions[i].date, "14:00"),
            },
        )
        SlotAssessor.objects.bulk_create(SlotAssessor(slot=s, juror=profile) for s in copies)

    return grow


def test_juror_home_shows_a_bounded_window(client, personas, juror_slots):
    _login(client, personas["jure"])
    few, many = _assert_bounded(client, reverse("jury:home"), juror_slots)
    html = client.get(reverse("jury:home")).content.decode()
    assert f'href="{reverse("jury:coming")}"' in html  # "voir plus"
    assert f'href="{reverse("jury:past")}"' in html
    # Today's 2 slots, 14 coming days, 14 past days: about 30 rows, not 203.
    assert html.count("<tr>") < 40
    assert Slot.objects.count() == MANY + 3


def test_juror_coming_and_past_pages_are_paginated(client, personas, juror_slots):
    _login(client, personas["jure"])
    month = (timezone.localdate() - timedelta(days=40)).strftime("%Y-%m")
    _assert_bounded(client, reverse("jury:coming"), juror_slots)
    html = client.get(reverse("jury:coming") + "?page=2").content.decode()
    assert "Page 2 sur 2" in html
    queries, size = _measure(client, reverse("jury:past") + f"?mois={month}")
    assert size < MAX_BYTES
    html = client.get(reverse("jury:past") + f"?mois={month}").content.decode()
    assert html.count("<tr>") in (29, 30, 31, 32)  # one month: a slot a day, plus the heading


def test_juror_past_page_ignores_a_bad_month(client, personas, juror_slots):
    _login(client, personas["jure"])
    for bad in ("2026-13", "abc", "1500-01", ""):
        assert client.get(reverse("jury:past") + f"?mois={bad}").status_code == 200


def test_juror_deliberation_list(client, personas, ops_version):
    first = _deliberation(ops_version)
    member = JuryMember.objects.create(
        deliberation=first, user=personas["jure"], role="president", external=False
    )

    def grow():
        copies = _more_deliberations(first)()
        _copies(member, MANY, lambda i: {"deliberation_id": copies[i].pk})

    _login(client, personas["jure"])
    _assert_bounded(client, reverse("jury:deliberations"), grow)
    services.record_juror(
        user=personas["jure"],
        certifier=ops_version.certification.owner,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    response = client.get(reverse("jury:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/jury/deliberations/') == 10 + 1
    assert f'href="{reverse("jury:deliberations")}"' in html  # "voir plus"


# --- the slot form's candidacy search -----------------------------------------------------


@pytest.fixture
def convocable(ops_version):
    """Two convocable candidacies; `grow` adds MANY more (Martin000…Martin199)."""
    first = ef.started_candidacy(ops_version)
    ef.started_candidacy(ops_version)
    person = first.candidate

    def copy(i):
        # bulk_create bypasses save(): the copy's search text is folded here, from its name.
        row = {"birth_name": f"Martin{i:03d}", "identity_key": f"martin{i:03d}"}
        fields = {name: getattr(person, name) for name in person.SEARCHED_FIELDS}
        return row | {"search_text": search.normalise(*(fields | row).values())}

    def grow():
        people = _copies(person, MANY, copy)
        _copies(first, MANY, lambda i: {"candidate_id": people[i].pk})

    return grow


def test_session_page_offers_a_bounded_candidacy_search(client, personas, ops_version, convocable):
    session = ef.session(ops_version)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:session", args=[session.pk])
    _assert_bounded(client, url, convocable)
    html = client.get(url).content.decode()
    assert html.count('name="candidacy"') == 20
    assert "précisez la recherche" in html
    assert 'for="id_creneau_candidacy_recherche"' in html and 'hx-get="' in html
    # Without JavaScript the search is a GET of the page.
    html = client.get(url + "?candidature=martin05").content.decode()
    assert html.count('name="candidacy"') == 10 and "MARTIN051" in html


def test_candidacy_search_endpoint_is_bounded(client, personas, ops_version, convocable):
    session = ef.session(ops_version)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:session_candidacies", args=[session.pk]) + "?candidature=mar"
    _assert_bounded(client, url, convocable)
    html = client.get(url).content.decode()
    assert html.count('name="candidacy"') == 20 and "<legend>" in html
    html = client.get(url.replace("mar", "Martin123")).content.decode()
    assert html.count('name="candidacy"') == 1 and "MARTIN123" in html
    # Every word, in any order, accents and case ignored (acquis.search), as the lists.
    html = client.get(url.replace("mar", "MÀRTÎN123")).content.decode()
    assert html.count('name="candidacy"') == 1 and "MARTIN123" in html
    found = Slot.candidacy.field.related_model.objects.get(candidate__birth_name="Martin123")
    reversed_words = f"{found.candidate.first_name.upper()} martin123"
    html = client.get(url.replace("mar", reversed_words)).content.decode()
    assert html.count('name="candidacy"') == 1 and "MARTIN123" in html
    html = client.get(url.replace("mar", "zzz")).content.decode()
    assert "Aucune candidature proposée ne correspond à « zzz »" in html
    # The choice already made stays offered, and checked, whatever the new search finds.
    chosen = Slot.candidacy.field.related_model.objects.get(candidate__birth_name="Martin007")
    html = client.get(url.replace("mar", "zzz") + f"&candidacy={chosen.pk}").content.decode()
    assert html.count('name="candidacy"') == 1 and html.count("checked") == 1


def test_a_candidacy_found_by_search_gets_its_slot(client, personas, ops_version, convocable):
    session = ef.session(ops_version)
    convocable()
    _login(client, personas["responsable_epreuves"])
    # One registered through the services (the copies lack what a sitting checks).
    chosen = Slot.candidacy.field.related_model.objects.exclude(
        candidate__birth_name__startswith="Martin"
    ).last()
    url = reverse("staff:session_action", args=[session.pk, "creneau"])
    data = {
        "assessment": session.version.assessments.get(code="E1").pk,
        "candidacy": chosen.pk,
        "start": "09:00",
        "duration_minutes": "",
        "room": "",
    }
    # Refused (no duration): the page comes back with the choice still checked.
    html = client.post(url, data).content.decode()
    assert "indiquez-la" in html
    assert re.search(rf'value="{chosen.pk}"\s+checked', html)
    response = client.post(url, data | {"duration_minutes": "60"})
    assert response.status_code == 302
    assert session.slots.filter(candidacy=chosen).exists()
