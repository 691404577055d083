"""One accent- and case-insensitive search (acquis.search): the normalised column of the
candidates and jurors, kept in step wherever a name changes, and the cases staff type."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from acquis import search
from acquis.candidates import services
from acquis.candidates.models import Candidacy, Candidate
from acquis.evaluations.models import EvaluationSession, JurorProfile
from acquis.organisations.enums import Role
from acquis.rgpd import erasure
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user, module_world

pytestmark = pytest.mark.django_db


def test_normalise_folds_accents_case_and_spaces():
    assert search.normalise("  LEFÈVRE ", "Inès\tMarie-Noëlle ") == "lefevre ines marie-noelle"
    assert search.normalise("Straße", "ÇA") == "strasse ca"
    assert search.normalise(None, "", "Zoé") == "zoe"


def test_words_are_normalised_and_unique():
    assert search.words("  Inès  LEFÈVRE inès ") == ["ines", "lefevre"]
    assert search.words(None) == []


def test_a_typed_date_in_french_or_iso_order():
    assert search.word_date("12/05/2026") == date(2026, 5, 12)
    assert search.word_date("2026-05-12") == date(2026, 5, 12)
    assert search.word_date("31/02/2026") is None
    assert search.word_date("bron") is None


def _build(version):
    certifier = version.certification.owner
    ines = factories.candidate(
        certifier,
        birth_name="Lefèvre",
        usage_name="",
        first_name="Inès",
        email="ines.lefevre@exemple.fr",
    )
    candidacy = factories.candidacy(version, person=ines)
    # No digit in the other's searched text: a typed candidacy number (1 on a fresh database)
    # must find Inès's candidacy by its number, not the other one by "candidat1@…".
    other_person = factories.candidate(
        certifier, birth_name="Martin", first_name="Zoé", email="zoe.martin@exemple.fr"
    )
    other = factories.candidacy(version, person=other_person)
    return {"candidacy": candidacy.pk, "other": other.pk}


world = module_world(_build)


def _found(query) -> set[int]:
    return set(
        search.search(Candidacy.objects.all(), query, field="candidate__search_text").values_list(
            "pk", flat=True
        )
    )


@pytest.mark.parametrize(
    "query",
    ["Inès Lefèvre", "Lefèvre Inès", "LEFÈVRE", "Lefevre", "ines", "ines.lefevre@exemple.fr"],
)
def test_every_way_of_typing_her_name_finds_her(world, query):
    assert _found(query) == {world["candidacy"]}


def test_every_word_must_match(world):
    assert _found("ines durand") == set()
    assert _found("") == {world["candidacy"], world["other"]}


@pytest.mark.parametrize(
    "query",
    ["Inès Lefèvre", "Lefèvre Inès", "LEFÈVRE", "Lefevre", "ines", "ines.lefevre@exemple.fr"],
)
def test_the_staff_list_finds_her_the_same_way(client, world, query):
    staff = make_user("gestion-recherche@test.fr", Candidate.objects.first().certifier, Role.ADMIN)
    client.login(email=staff.email, password=PASSWORD)
    response = client.get(reverse("staff:candidacies"), {"q": query})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [world["candidacy"]]


def test_her_candidacy_number_finds_her(client, world):
    staff = make_user("gestion-numero@test.fr", Candidate.objects.first().certifier, Role.ADMIN)
    client.login(email=staff.email, password=PASSWORD)
    for typed in (str(world["candidacy"]), f"n°{world['candidacy']}"):
        response = client.get(reverse("staff:candidacies"), {"q": typed})
        assert [c.pk for c in response.context["page"]] == [world["candidacy"]], typed


def test_a_renamed_candidate_is_found_by_her_new_name_only(world):
    candidate = Candidacy.objects.get(pk=world["candidacy"]).candidate
    services.update_candidate(candidate, data={"usage_name": "Marchand"})
    assert _found("marchand ines") == {world["candidacy"]}
    services.update_candidate(candidate, data={"birth_name": "Lefort", "usage_name": ""})
    assert _found("marchand") == set()
    assert _found("LEFORT") == {world["candidacy"]}


def test_pseudonymisation_leaves_no_clear_name_in_the_search_text(world):
    candidate = Candidacy.objects.get(pk=world["candidacy"]).candidate
    actor = make_user("dpo-recherche@test.fr")
    erasure.erase_candidate(candidate, actor=actor)
    candidate.refresh_from_db()
    assert "lefevre" not in candidate.search_text
    assert "ines" not in candidate.search_text
    assert _found("lefevre") == set() and _found("ines.lefevre@exemple.fr") == set()


def test_the_retention_purge_of_contacts_removes_the_email_from_the_search_text(world):
    from acquis.rgpd import retention

    candidacy = Candidacy.objects.get(pk=world["candidacy"])
    services.move_candidacy(candidacy, "withdrawn", reason="Départ")
    report = retention.apply_retention(now=timezone.now() + timedelta(days=3650))
    assert report.contacts  # the rule reached her
    candidacy.candidate.refresh_from_db()
    assert candidacy.candidate.email == ""
    assert "exemple.fr" not in candidacy.candidate.search_text
    assert _found("ines.lefevre@exemple.fr") == set()
    assert _found("lefevre ines") == {world["candidacy"]}


def test_the_data_migration_fills_existing_rows(world):
    migration = __import__(
        "acquis.candidates.migrations.0004_candidate_search_text", fromlist=["fill"]
    )
    Candidate.objects.update(search_text="")
    migration.fill(apps, None)
    assert _found("lefevre ines") == {world["candidacy"]}


def test_jurors_are_found_by_name_email_and_structure_and_follow_their_account(world):
    version = Candidacy.objects.get(pk=world["candidacy"]).version
    profile = ef.juror(
        version.certification.owner, version, first_name="Hélène", last_name="Bérénger"
    )
    jurors = JurorProfile.objects.all()
    assert set(search.search(jurors, "berenger HELENE")) == {profile}
    assert set(search.search(jurors, profile.user.email)) == {profile}
    user = profile.user
    user.last_name = "Dupré"
    user.save()
    assert set(search.search(jurors, "berenger")) == set()
    assert set(search.search(jurors, "helene dupre")) == {profile}
    migration = __import__(
        "acquis.evaluations.migrations.0007_juror_and_session_search_text", fromlist=["fill"]
    )
    JurorProfile.objects.update(search_text="")
    EvaluationSession.objects.update(search_text="")
    migration.fill(apps, None)
    assert set(search.search(jurors, "helene dupre")) == {profile}


def test_bulk_import_fills_the_search_text(world):
    from acquis.candidates import imports

    certifier = Candidate.objects.first().certifier
    candidate = imports._new_candidate(certifier, factories.identity(birth_name="Éloïse"))
    assert "eloise" in candidate.search_text
