"""Staff evaluation screens (jurors, sessions, panel) through the test client."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from acquis.evaluations import services
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession, JurorProfile, JurorTraining, PanelMember
from acquis.organisations.enums import Role
from tests import factories
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
TRAINED_ON = "2026-11-02"


@pytest.fixture
def manager_client(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


@pytest.fixture
def alice(certifier):
    return make_user("alice@jury.fr", certifier, Role.JUROR, first_name="Alice", last_name="Roux")


@pytest.fixture
def bruno(certifier):
    return make_user("bruno@jury.fr", certifier, Role.JUROR, first_name="Bruno", last_name="Vidal")


def juror_data(user, **overrides):
    data = {
        "formulaire": "fiche",
        "user": user.pk,
        "sector": "insertion",
        "role": "Conseiller emploi",
        "years_experience": "5",
    }
    return data | overrides


def training_data(profile, trainer, **overrides):
    data = {
        "formulaire": "formation",
        "juror": profile.pk,
        "trained_on": TRAINED_ON,
        "trainer": trainer.pk,
        "attendance": factories.pdf_upload("emargement.pdf"),
    }
    return data | overrides


def plan(client, version, **overrides):
    data = {
        "title": "Session B1",
        "on": "2026-12-15",
        "place": "OPS Conseil, Bron",
        "version": version.pk,
    }
    return client.post(reverse("staff:sessions"), data | overrides)


def test_record_jurors_trainings_then_confirm_a_panel(
    manager_client, ops_version, alice, bruno, personas
):
    manager = personas["responsable_epreuves"]
    url = reverse("staff:jurors")
    response = manager_client.post(
        url,
        juror_data(alice, represents_certifier="on", proof=factories.pdf_upload("cv.pdf")),
    )
    assert response.url == url
    response = manager_client.post(url, juror_data(bruno, years_experience="2"))
    assert response.url == url
    profile_a = JurorProfile.objects.get(user=alice)
    profile_b = JurorProfile.objects.get(user=bruno)
    assert profile_a.experience_proof is not None and profile_a.represents_certifier
    assert profile_b.experience_proof is None
    # One published referential: the training form asks no version.
    html = manager_client.get(url).content.decode()
    assert 'name="version"' not in html
    assert manager_client.post(url, training_data(profile_a, manager)).url == url
    training = JurorTraining.objects.get()
    assert (training.juror, training.version, training.trainer) == (profile_a, ops_version, manager)
    html = manager_client.get(url).content.decode()
    assert "Alice Roux" in html and "Aucune" in html
    assert "02/11/2026, version 1, par epreuves@test.fr — émargement : joint" in " ".join(
        html.split()
    )

    response = plan(manager_client, ops_version)
    session = EvaluationSession.objects.get()
    assert response.url == reverse("staff:session", args=[session.pk])
    assert "Session B1" in manager_client.get(reverse("staff:sessions")).content.decode()
    add = reverse("staff:session_action", args=[session.pk, "membre"])
    for profile in (profile_a, profile_b):
        response = manager_client.post(add, {"juror": profile.pk})
        assert response.url == reverse("staff:session", args=[session.pk])
    assert PanelMember.objects.filter(session=session).count() == 2
    html = manager_client.get(response.url).content.decode()
    assert "Bruno Vidal : 2 an(s) d&#x27;expérience dans le secteur « Insertion »" in html
    assert "Remplit les conditions du référentiel." in html  # Alice

    confirm = reverse("staff:session_action", args=[session.pk, "confirmer"])
    response = manager_client.post(confirm)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Jury non confirmé : Le jury ne respecte pas les règles du référentiel." in html
    for label, message in [
        ("Expérience minimale dans le secteur", "Bruno Vidal : 2 an(s)"),
        ("Expérience justifiée par une pièce", "Bruno Vidal : aucune pièce"),
        ("Formé avant la session", "Bruno Vidal : pas de formation au référentiel"),
        (
            "Professionnels qualifiés en plus du représentant du certificateur",
            "Le jury ne compte aucun professionnel qualifié du secteur en plus du représentant",
        ),
    ]:
        assert f"<strong>{label}</strong> : {message}" in html
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED

    # Fix Bruno's record: more experience, a proof, a training; then the panel is confirmed.
    manager_client.post(
        url, juror_data(bruno, years_experience="4", proof=factories.pdf_upload("cv.pdf"))
    )
    manager_client.post(url, training_data(profile_b, manager))
    response = manager_client.post(confirm)
    assert response.url == reverse("staff:session", args=[session.pk])
    session.refresh_from_db()
    assert session.status == SessionStatus.PANEL_CONFIRMED
    html = manager_client.get(response.url).content.decode()
    assert "Jury confirmé" in html
    assert "Confirmer le jury" not in html


def test_a_panel_of_the_representative_alone_is_refused_and_explained(
    manager_client, ops_version, alice, certifier
):
    from tests import evaluation_factories as ef

    representative = services.record_juror(
        user=alice, certifier=certifier, sector="insertion", role="Présidente",
        years_experience=0, represents_certifier=True,
    )  # fmt: skip
    ef.train(representative, ops_version)
    plan(manager_client, ops_version)
    session = EvaluationSession.objects.get()
    manager_client.post(
        reverse("staff:session_action", args=[session.pk, "membre"]), {"juror": representative.pk}
    )
    html = manager_client.get(reverse("staff:session", args=[session.pk])).content.decode()
    assert "Remplit les conditions du référentiel." in html  # the source sets no condition
    response = manager_client.post(reverse("staff:session_action", args=[session.pk, "confirmer"]))
    html = response.content.decode()
    assert (
        "<strong>Professionnels qualifiés en plus du représentant du certificateur</strong> : "
        "Le jury ne compte aucun professionnel qualifié du secteur en plus du représentant du "
        "certificateur ; le référentiel en exige au moins 1."
    ) in html
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_empty_panel_refusal_is_explained(manager_client, ops_version):
    plan(manager_client, ops_version)
    session = EvaluationSession.objects.get()
    response = manager_client.post(reverse("staff:session_action", args=[session.pk, "confirmer"]))
    html = response.content.decode()
    assert "Le jury compte au moins un membre" in html
    assert "Le jury d&#x27;évaluation n&#x27;a aucun membre." in html


def test_bad_juror_input_is_explained(manager_client, ops_version, alice, personas):
    url = reverse("staff:jurors")
    html = manager_client.post(url, juror_data(alice, years_experience="70")).content.decode()
    assert 'id="id_years_experience_error"' in html
    text = SimpleUploadedFile("cv.txt", b"hello", content_type="text/plain")
    html = manager_client.post(url, juror_data(alice, proof=text)).content.decode()
    assert 'role="alert"' in html and "pièce justificative" in html
    # Only accounts with the juror role of this certifier may be chosen.
    other = personas["candidat"]
    html = manager_client.post(url, juror_data(other)).content.decode()
    assert 'id="id_user_error"' in html
    assert not JurorProfile.objects.exists()

    profile = services.record_juror(
        user=alice, certifier=ops_version.certification.owner, sector="insertion",
        role="Conseiller emploi", years_experience=5,
    )  # fmt: skip
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    manager = personas["responsable_epreuves"]
    data = training_data(profile, manager, trained_on=tomorrow)
    html = manager_client.post(url, data).content.decode()
    assert "une formation ne se déclare qu&#x27;une fois faite" in html
    # The trainer is the person the referential names; the attendance sheet is required.
    html = manager_client.post(url, training_data(profile, personas["administrateur"]))
    assert (
        "Formé par : admin@test.fr n&#x27;a pas le rôle « responsable de l&#x27;organisation"
        in (html.content.decode())
    )
    html = manager_client.post(url, training_data(profile, manager, attendance="")).content
    assert "Feuille d&#x27;émargement : joignez la feuille d&#x27;émargement" in html.decode()
    # Only the certifier's staff are offered as trainers.
    html = manager_client.post(url, training_data(profile, alice)).content.decode()
    assert 'id="id_trainer_error"' in html
    assert not JurorTraining.objects.exists()
    # The sector is chosen in the referential's closed list.
    html = manager_client.post(url, juror_data(alice, sector="btp")).content.decode()
    assert 'id="id_sector_error"' in html


def test_bad_session_input_is_explained(manager_client, ops_version):
    html = plan(manager_client, ops_version, place="").content.decode()
    assert "Lieu : indiquez le lieu, ou cochez « à distance »." in html
    html = plan(manager_client, ops_version, on="").content.decode()
    assert 'id="id_on_error"' in html
    assert not EvaluationSession.objects.exists()
    assert plan(manager_client, ops_version, place="", remote="on").status_code == 302


def test_a_confirmed_panel_cannot_take_a_new_member(manager_client, ops_version, alice, certifier):
    plan(manager_client, ops_version)
    session = EvaluationSession.objects.get()
    EvaluationSession.objects.filter(pk=session.pk).update(status=SessionStatus.PANEL_CONFIRMED)
    profile = services.record_juror(
        user=alice, certifier=certifier, sector="insertion", role="Conseiller", years_experience=5
    )
    response = manager_client.post(
        reverse("staff:session_action", args=[session.pk, "membre"]), {"juror": profile.pk}
    )
    assert "Membre non ajouté" in response.content.decode()
    assert "rouvrez-le d&#x27;abord" in response.content.decode()
    assert not PanelMember.objects.exists()


def test_another_certifiers_staff_gets_404(client, personas, ops_version, certifier, alice):
    session = services.plan_session(
        certifier=certifier, version=ops_version, title="S", on=date(2026, 12, 15), place="Bron"
    )
    services.record_juror(
        user=alice, certifier=certifier, sector="insertion", role="Conseiller", years_experience=5
    )
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(reverse("staff:session", args=[session.pk])).status_code == 404
    for action in ("confirmer", "membre"):
        url = reverse("staff:session_action", args=[session.pk, action])
        assert client.post(url).status_code == 404
    html = client.get(reverse("staff:jurors")).content.decode()
    assert "Alice" not in html
    assert "Aucune session." in client.get(reverse("staff:sessions")).content.decode()
