"""The session page's changes: « Modifier la session », cancel with a reason, delete while
empty, remove a panel member; past dates refused at planning unless « historique ». Dates are
counted from the local day (the views compare with it), never written as calendar dates."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from acquis.evaluations import services
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def html_of(response) -> str:
    return unescape(response.content.decode())


def action(session, slug):
    return reverse("staff:session_action", args=[session.pk, slug])


def test_planning_refuses_a_past_day_unless_history(manager_client, ops_version):
    past = timezone.localdate() - timedelta(days=400)
    data = {
        "title": "Session passée",
        "on": past.isoformat(),
        "place": "Bron",
        "version": ops_version.pk,
    }
    html = html_of(manager_client.post(reverse("staff:sessions"), data))
    assert f"le {past:%d/%m/%Y} est passé" in html and 'href="#id_on"' in html
    assert not EvaluationSession.objects.exists()
    response = manager_client.post(reverse("staff:sessions"), data | {"history": "on"})
    assert response.status_code == 302
    assert EvaluationSession.objects.get().date == past


def test_edit_the_session_until_convocations(manager_client, ops_version):
    day = timezone.localdate() + timedelta(days=30)
    session = ef.session(ops_version, on=day)
    page = html_of(manager_client.get(reverse("staff:session", args=[session.pk])))
    assert "Modifier la session (date, lieu, horaires)" in page
    url = reverse("staff:session_edit", args=[session.pk])
    form = html_of(manager_client.get(url))
    assert 'value="OPS Conseil, Bron"' in form
    new_day = day + timedelta(days=1)
    response = manager_client.post(
        url, {"title": "Session B1", "on": new_day.isoformat(), "place": "Lyon"}, follow=True
    )
    assert "Session modifiée." in html_of(response)
    session.refresh_from_db()
    assert (session.date, session.place) == (new_day, "Lyon")
    refused = html_of(manager_client.post(url, {"title": "S", "on": "2020-01-01", "place": "Lyon"}))
    assert "le 01/01/2020 est passé" in refused
    services.confirm_panel(session)
    session.panel.update(convoked_at=timezone.now())
    # Once convoked: still editable, with a reason; the convoked get the modified convocation.
    form = html_of(manager_client.get(url))
    assert "Motif de la modification" in form and "Les convocations sont envoyées" in form
    data = {"title": "Session B1", "on": new_day.isoformat(), "place": "Bron"}
    refused = html_of(manager_client.post(url, data))
    assert "indiquez le motif de la modification" in refused
    response = manager_client.post(url, data | {"reason": "Salle indisponible"}, follow=True)
    assert "Les convocations modifiées sont envoyées aux convoqués." in html_of(response)
    session.refresh_from_db()
    assert session.place == "Bron"
    session.status = SessionStatus.OPENED
    session.save(update_fields=["status"])
    response = manager_client.get(url, follow=True)
    assert "Cette session ne se modifie plus" in html_of(response)


def test_cancel_the_session_with_a_reason(manager_client, ops_version):
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=30))
    page = html_of(manager_client.get(reverse("staff:session", args=[session.pk])))
    assert "Annuler la session" in page and "Supprimer la session" not in page
    refused = html_of(manager_client.post(action(session, "annuler"), {"reason": ""}))
    assert "Indiquez le motif de l'annulation." in refused
    response = manager_client.post(
        action(session, "annuler"), {"reason": "Salle indisponible"}, follow=True
    )
    assert "Session « Session B1 » annulée." in html_of(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_delete_an_empty_session_only(manager_client, ops_version, certifier):
    full = ef.session(ops_version, on=timezone.localdate() + timedelta(days=30))
    html = html_of(manager_client.post(action(full, "supprimer")))
    assert "Session non supprimée" in html
    assert EvaluationSession.objects.filter(pk=full.pk).exists()
    empty = services.plan_session(
        certifier=certifier,
        version=ops_version,
        title="Erreur de saisie",
        on=timezone.localdate() + timedelta(days=30),
        place="Bron",
    )
    page = html_of(manager_client.get(reverse("staff:session", args=[empty.pk])))
    assert "Supprimer la session" in page
    response = manager_client.post(action(empty, "supprimer"))
    assert response.url == reverse("staff:sessions")
    assert not EvaluationSession.objects.filter(pk=empty.pk).exists()


def test_remove_a_panel_member_before_confirmation(manager_client, ops_version):
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=30))
    anne, paul = (m.juror for m in session.panel.order_by("pk"))
    page = html_of(manager_client.get(reverse("staff:session", args=[session.pk])))
    assert f"Retirer {paul} du jury" in page
    response = manager_client.post(action(session, "retirer-membre"), {"juror": paul.pk})
    assert response.url == reverse("staff:session", args=[session.pk])
    assert list(session.panel.values_list("juror", flat=True)) == [anne.pk]
    services.add_panel_member(session, paul)
    services.confirm_panel(session)
    html = html_of(manager_client.post(action(session, "retirer-membre"), {"juror": paul.pk}))
    assert "Membre non retiré" in html and "rouvrez-le d'abord" in html


def test_another_certifier_cannot_change_the_session(client, personas, ops_version):
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=30))
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(reverse("staff:session_edit", args=[session.pk])).status_code == 404
    assert client.post(action(session, "supprimer")).status_code == 404
    assert client.post(action(session, "annuler"), {"reason": "x"}).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
