"""Staff lists: search, sortable columns (?tri=, aria-sort), filters kept in the query
string and the pagination, a constant number of queries whatever the number of rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acquis.candidates import services
from acquis.candidates.models import Candidacy
from acquis.credentials.models import IssuedDocument
from acquis.evaluations.models import EvaluationSession
from acquis.juries.enums import DeliberationStatus, JuryKind
from acquis.juries.models import Deliberation
from acquis.organisations.enums import Role
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user, module_world

pytestmark = pytest.mark.django_db

DAY = date(2026, 5, 12)


def _build(version):
    certifier = version.certification.owner
    staff = make_user("listes@test.fr", certifier, Role.EXAM_MANAGER)
    ines = ef.started_candidacy(
        version,
        person=factories.candidate(certifier, birth_name="LEFÈVRE", first_name="Inès"),
    )
    bruno = factories.candidacy(
        version,
        person=factories.candidate(certifier, birth_name="Abel", first_name="Bruno"),
        started=True,
    )
    services.move_candidacy(bruno, "withdrawn", reason="Déménagement")
    session = ef.session(version, on=DAY, title="Session de Vénissieux")
    session.place = "Salle Émile Zola"
    session.save(update_fields=["place"])
    ef.session(version, on=DAY + timedelta(days=30), title="Session de Lyon")
    ef.slot(session, ines)
    helene = ef.juror(certifier, version, first_name="Hélène", last_name="Bérénger")
    helene.structure = "Mission Locale"
    helene.save()
    deliberation = Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=JuryKind.CERTIFICATION,
        title="Jury de mai",
        date=DAY,
        place="Bron",
        status=DeliberationStatus.SIGNED,
    )
    Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=JuryKind.CERTIFICATION,
        title="Jury de juin",
        date=DAY + timedelta(days=30),
        place="Lyon",
    )
    issued = timezone.make_aware(timezone.datetime(2026, 5, 20, 10, 0))
    for number, person in (("OPS-2026-0001", ines.candidate), ("OPS-2026-0002", None)):
        IssuedDocument.objects.create(
            certifier=certifier,
            kind="certificate",
            number=number,
            candidate=person,
            verification_code=f"code-{number}",
            file="issued/c.pdf",
            sha256="0" * 64,
            issued_at=issued,
        )
    return {
        "staff": staff.pk,
        "ines": ines.pk,
        "bruno": bruno.pk,
        "session": session.pk,
        "helene": helene.pk,
        "deliberation": deliberation.pk,
    }


world = module_world(_build)


@pytest.fixture
def staff_client(client, world):
    from acquis.organisations.models import User

    assert client.login(email=User.objects.get(pk=world["staff"]).email, password=PASSWORD)
    return client


def _rows(response, key):
    return [row.pk for row in response.context[key]]


def test_candidacies_sort_by_a_whitelisted_column_both_ways(staff_client, world):
    url = reverse("staff:candidacies")
    default = _rows(staff_client.get(url), "page")
    assert default == [world["bruno"], world["ines"]]  # by name: ABEL, LEFÈVRE
    down = staff_client.get(url, {"tri": "-nom"})
    assert _rows(down, "page") == [world["ines"], world["bruno"]]
    html = down.content.decode()
    assert 'aria-sort="descending"' in html
    # The header of the sorting column reverses it; the others sort ascending.
    assert 'href="?tri=nom"' in html and 'href="?tri=etat"' in html
    # An unknown column keeps the default order, no error.
    assert _rows(staff_client.get(url, {"tri": "candidate__email"}), "page") == default
    assert "aria-sort" not in staff_client.get(url, {"tri": "nimporte"}).content.decode()


def test_candidacy_filters_combine_with_the_search_and_stay_in_the_links(staff_client, world):
    url = reverse("staff:candidacies")
    response = staff_client.get(url, {"q": "lefevre", "etat": "withdrawn"})
    assert _rows(response, "page") == []
    response = staff_client.get(url, {"etat": "withdrawn", "tri": "-etat"})
    assert _rows(response, "page") == [world["bruno"]]
    html = response.content.decode()
    # The sort links keep the filter; the filter form keeps the sort.
    assert 'href="?etat=withdrawn&amp;tri=nom"' in html
    assert 'value="-etat"' in html
    response = staff_client.get(url, {"session": world["session"]})
    assert _rows(response, "page") == [world["ines"]]
    registered = Candidacy.objects.get(pk=world["ines"]).registered_on
    response = staff_client.get(url, {"inscrit_du": registered + timedelta(days=1)})
    assert _rows(response, "page") == []


def test_a_bad_filter_value_is_named_and_the_list_stays(staff_client, world):
    response = staff_client.get(reverse("staff:candidacies"), {"inscrit_du": "hier"})
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()
    assert len(_rows(response, "page")) == 2


def test_pagination_keeps_search_filters_and_sort(staff_client, world):
    url = reverse("staff:candidacies")
    response = staff_client.get(url, {"q": "e", "tri": "-nom", "page": "1"})
    assert response.context["pager"].query == "q=e&tri=-nom"


def test_jurors_search_and_sort(staff_client, world):
    url = reverse("staff:jurors")
    for query in ("berenger helene", "HÉLÈNE", "mission locale"):
        assert _rows(staff_client.get(url, {"q": query}), "jurors") == [world["helene"]], query
    response = staff_client.get(url, {"tri": "-experience"})
    assert 'aria-sort="descending"' in response.content.decode()


def test_sessions_search_by_title_place_or_date_and_filter(staff_client, world):
    url = reverse("staff:sessions")
    for query in ("venissieux", "emile zola", "12/05/2026", "2026-05-12 session"):
        assert _rows(staff_client.get(url, {"q": query}), "sessions") == [world["session"]], query
    assert len(_rows(staff_client.get(url, {"du": DAY + timedelta(days=1)}), "sessions")) == 1
    titles = [
        EvaluationSession.objects.get(pk=pk).title
        for pk in _rows(staff_client.get(url, {"tri": "intitule"}), "sessions")
    ]
    assert titles == sorted(titles)


def test_documents_search_by_holder_or_number_paginated(staff_client, world):
    url = reverse("staff:credentials")
    assert [d.number for d in staff_client.get(url, {"q": "lefevre ines"}).context["issued"]] == [
        "OPS-2026-0001"
    ]
    assert [d.number for d in staff_client.get(url, {"q": "ops-2026-0002"}).context["issued"]] == [
        "OPS-2026-0002"
    ]
    response = staff_client.get(url, {"q": "personne"})
    assert "Aucun document ne correspond à la recherche." in response.content.decode()
    numbers = [d.number for d in staff_client.get(url, {"tri": "-numero"}).context["issued"]]
    assert numbers == ["OPS-2026-0002", "OPS-2026-0001"]
    assert staff_client.get(url, {"etat": "revoque"}).context["issued"].page.paginator.count == 0


def test_deliberations_filter_by_state_and_sort(staff_client, world):
    url = reverse("staff:deliberations")
    response = staff_client.get(url, {"etat": DeliberationStatus.SIGNED})
    assert _rows(response, "deliberations") == [world["deliberation"]]
    response = staff_client.get(url, {"tri": "intitule"})
    titles = [d.title for d in response.context["deliberations"]]
    assert titles == ["Jury de juin", "Jury de mai"]
    response = staff_client.get(url, {"etat": DeliberationStatus.OPEN})
    assert "Aucune délibération ne correspond aux filtres." in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_searched_sorted_filtered_list_runs_the_same_queries_for_2_or_50_rows(
    staff_client, world
):
    url = reverse("staff:candidacies") + "?q=e&tri=-promotion&voie=training"
    staff_client.get(url)  # warm the per-process caches (site settings, menus)
    before = _queries(staff_client, url)
    ines = Candidacy.objects.get(pk=world["ines"])
    certifier = ines.candidate.certifier
    for n in range(48):
        factories.candidacy(
            ines.version,
            person=factories.candidate(
                certifier, birth_name=f"Élie{chr(65 + n % 26)}{chr(65 + n // 26)}"
            ),
        )
    assert Candidacy.objects.filter(pathway="training").count() >= 50
    assert _queries(staff_client, url) == before
