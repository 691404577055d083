"""The decision rules where a user acts (client): the deliberation screen (the evidence the
engine uses, a total validation of a candidacy's blocks, VAE without its oral and the
postponement), "Présenter au jury" on the staff dossier, the memoir checks, and the slot
planning of the orals."""

import html
import re

import pytest
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.portal import give_portal_access
from acquis.juries.enums import DecisionKind, JuryKind
from acquis.juries.models import Decision, DeliberationCandidate
from acquis.organisations.enums import Role
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmation": "oui"}  # the confirmation step of irreversible actions


@pytest.fixture
def staff_client(client, certifier):
    manager = make_user("rp@test.fr", certifier, Role.EXAM_MANAGER)
    client.login(email=manager.email, password=PASSWORD)
    return client


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_screen_shows_the_evidence_and_a_total_validation_of_one_block(
    staff_client, ops_version
):
    short = jf.ready_candidacy(ops_version, placement_days=20, attestation=False)
    one_block = jf.ready_candidacy(ops_version, blocks=["B1"])
    free = jf.ready_candidacy(ops_version, free=True, placement_days=0)
    deliberation = jf.deliberation(ops_version, [short, one_block, free])
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "20 jour(s) sur 29 exigés (insuffisant)" in page
    # A free candidate owes the 29 days too: without them, no title is proposed.
    assert "0 jour(s) sur 29 exigés (insuffisant)" in page
    assert "Période de mise en application professionnelle : 0 jours sur 29 exigés." in page
    assert "Attestation de la période Non déposée" in page
    assert "Mémoire Déposé ; 7 partie(s) confirmée(s) sur 7 (confirmé)" in page
    assert "Attestation de la période de mise en application professionnelle : non déposée." in page
    assert "Proposition : Validation totale des blocs visés (sans le titre)" in page
    url = reverse("staff:deliberation_decide", args=[deliberation.pk, one_block.pk])
    staff_client.post(url, {"kind": "total", "blocks": ["B1"]})
    decision = Decision.objects.get(candidacy=one_block)
    assert (decision.kind, decision.title_awarded) == (DecisionKind.TOTAL, False)


def test_vae_without_its_oral_is_postponed_from_the_screen(staff_client, ops_version):
    vae = jf.ready_candidacy(ops_version, vae=True, vae_oral=False)
    deliberation = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE)
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Proposition : Ajournement : aucune validation ne peut être prononcée" in page
    assert "Oral de présentation du dossier de validation (30 min devant le jury VAE)" in page
    url = reverse("staff:deliberation_decide", args=[deliberation.pk, vae.pk])
    refused = text(staff_client.post(url, {"kind": "total", "blocks": ["B1", "B2", "B3", "B4"]}))
    assert "Validation totale impossible : Oral de présentation" in refused
    assert not Decision.objects.exists()
    missing = text(staff_client.post(url, {"kind": "postponed"}))
    assert "Motif : obligatoire pour un ajournement" in missing
    reason = "L'oral n'a pas encore eu lieu."
    response = staff_client.post(url, {"kind": "postponed", "reason": reason})
    assert response.status_code == 302
    entry = DeliberationCandidate.objects.get(deliberation=deliberation, candidacy=vae)
    assert entry.postponement_reason == reason
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert f"Ajournement enregistré : {reason}" in page
    assert "1 candidat(s), 0 décision(s) enregistrée(s), 1 ajournement(s)." in page


def test_present_to_the_jury_lists_what_is_missing_then_a_reasoned_derogation(
    staff_client, ops_version
):
    candidacy = factories.candidacy(ops_version, started=True)
    dossier = reverse("staff:candidacy", args=[candidacy.pk])
    page = text(staff_client.get(dossier))
    assert "Pièces exigées pour le titre encore manquantes" in page
    assert "0 jours sur 29 exigés" in page
    url = reverse("staff:candidacy_action", args=[candidacy.pk, "etat"])
    # The confirmation step says what will happen and lists what is missing.
    asked = text(staff_client.post(url, {"to_status": "awaiting_jury"}))
    assert f"Présenter {candidacy.candidate.full_name} au jury ?" in asked
    assert "Pièces ou étapes manquantes" in asked and "Soutenance orale du mémoire" in asked
    assert "Sans motif de dérogation, la présentation sera refusée" in asked
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.IN_PROGRESS
    refused = text(staff_client.post(url, {"to_status": "awaiting_jury", **CONFIRMED}, follow=True))
    assert "Présentation au jury refusée" in refused
    assert "Soutenance orale du mémoire : pas encore passée." in refused
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.IN_PROGRESS
    reason = "Le jury statuera sur les blocs ; le mémoire viendra ensuite."
    asked = staff_client.post(url, {"to_status": "awaiting_jury", "override_reason": reason})
    assert f"Dérogation motivée : « {reason} »" in text(asked)
    # The reason travels to the confirmed request.
    assert f'name="override_reason" value="{reason}"' in asked.content.decode()
    staff_client.post(url, {"to_status": "awaiting_jury", "override_reason": reason, **CONFIRMED})
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.AWAITING_JURY
    event = AuditEvent.objects.for_object(candidacy).get(verb="candidacy.send_to_jury")
    assert event.payload["override"] == reason and len(event.payload["missing"]) == 4


def test_a_memoir_part_marked_missing_the_candidate_reads_why(client, ops_version, personas):
    candidacy = factories.candidacy(ops_version, started=True)
    candidate_services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    manager = personas["responsable_epreuves"]
    client.login(email=manager.email, password=PASSWORD)
    url = reverse("staff:candidacy_action", args=[candidacy.pk, "partie-memoire-manquante"])
    reason = "La cartographie du réseau des partenaires est absente."
    client.post(url, {"part_code": "M2", "reason": reason})
    page = text(client.get(reverse("staff:candidacy", args=[candidacy.pk])))
    assert "Manquante M2 — " in page and f"(motif : {reason})" in page
    candidate = candidacy.candidate
    candidate.email = "candidate.memoire@exemple.fr"
    candidate.save()
    user = give_portal_access(candidate, actor=manager)
    user.set_password(PASSWORD)
    user.is_active = True
    user.save()
    client.logout()
    client.login(email=user.email, password=PASSWORD)
    own = text(client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert f"Manquante : {reason}" in own
    # Replacing the memoir after the staff's checks: the candidate is warned first.
    upload = client.get(reverse("candidate:memoir", args=[candidacy.pk]))
    assert "chacune de ses parties sera vérifiée à nouveau" in text(upload)


def test_the_orals_cannot_be_planned_before_their_written_piece(staff_client, ops_version):
    session = ef.session(ops_version)
    candidacy = factories.candidacy(ops_version, started=True)
    url = reverse("staff:session_action", args=[session.pk, "creneau"])
    data = {
        "assessment": ops_version.assessments.get(code="E12").pk,
        "candidacy": candidacy.pk,
        "start": "09:00",
    }
    refused = text(staff_client.post(url, data))
    assert "Oral du mémoire (E12) : le mémoire de" in refused and "n'est pas déposé" in refused
    assert not session.slots.exists()
    factories.memoir_checked(candidacy)
    staff_client.post(url, data)
    assert session.slots.get().assessment.code == "E12"
    vae = factories.candidacy(ops_version, vae=True, admissible=True)
    candidate_services.submit_validation_file(vae, upload=factories.pdf_upload("dossier.pdf"))
    data |= {"assessment": ops_version.assessments.get(code="E13").pk, "candidacy": vae.pk}
    refused = text(staff_client.post(url, data | {"start": "11:00"}))
    assert "Oral VAE (E13) : le dossier de validation de" in refused
    assert "n'a pas été déclaré complet" in refused
