"""A signed decision cannot change through any entry point: services, the model, the admin,
the screens; and a decision event altered directly in the database breaks the audit chain."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.models import Candidacy
from acquis.juries import decisions
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import FrozenDecisionError, JuryError
from acquis.juries.models import BlockDecision, Decision, Deliberation
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf
from tests.juries.test_minutes import decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    jf.sign_all(deliberation)
    decision = deliberation.decisions.get()
    return deliberation, candidacy, decision


def snapshot(decision):
    decision = Decision.objects.get(pk=decision.pk)
    blocks = list(decision.blocks.order_by("pk").values_list("block__code", "validated"))
    return (decision.kind, decision.reason, decision.decided_at, decision.frozen, blocks)


def test_the_decide_verb_refuses_a_signed_deliberation(signed):
    deliberation, candidacy, decision = signed
    before = snapshot(decision)
    with pytest.raises(JuryError, match="la délibération est « Procès-verbal signé »"):
        decisions.decide(
            deliberation,
            candidacy,
            blocks={"B1": True},
            kind=DecisionKind.PARTIAL,
            reason="Autre avis",
            further_evidence="x",
            actor=None,
        )
    # Even if someone reopened the deliberation and the candidacy in the database, the
    # frozen row is refused.
    Deliberation.objects.filter(pk=deliberation.pk).update(status=DeliberationStatus.OPEN)
    with pytest.raises(JuryError, match="déjà sa décision signée"):
        decisions.decide(deliberation, candidacy, blocks={}, kind="refused", actor=None)
    Candidacy.objects.filter(pk=candidacy.pk).update(status=CandidacyStatus.AWAITING_JURY)
    with pytest.raises(FrozenDecisionError, match="Décision signée"):
        decisions.decide(
            deliberation,
            candidacy,
            blocks={"B1": True},
            kind=DecisionKind.PARTIAL,
            reason="Autre avis",
            further_evidence="x",
            actor=None,
        )
    assert snapshot(decision) == before


def test_the_model_refuses_to_save_or_delete_a_signed_decision(signed):
    _, _, decision = signed
    before = snapshot(decision)
    decision.kind = DecisionKind.TOTAL
    with pytest.raises(FrozenDecisionError, match="ne peut plus être modifiée"):
        decision.save()
    with pytest.raises(FrozenDecisionError, match="ne peut pas être supprimée"):
        Decision.objects.get(pk=decision.pk).delete()
    row = BlockDecision.objects.filter(decision=decision).first()
    row.validated = True
    with pytest.raises(FrozenDecisionError):
        row.save()
    with pytest.raises(FrozenDecisionError):
        row.delete()
    assert snapshot(decision) == before


@pytest.fixture
def superuser_client(client, certifier):
    user = make_user("root@test.fr", is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


def test_the_admin_shows_but_never_changes_a_decision(signed, superuser_client):
    _, _, decision = signed
    before = snapshot(decision)
    change = reverse("admin:juries_decision_change", args=[decision.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert "Enregistrer" not in page.content.decode()  # read-only: no save button
    posted = superuser_client.post(change, {"kind": "total", "reason": "", "frozen": ""})
    assert posted.status_code == 403
    deleted = superuser_client.post(
        reverse("admin:juries_decision_delete", args=[decision.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert superuser_client.get(reverse("admin:juries_decision_add")).status_code == 403
    assert snapshot(decision) == before


@pytest.mark.parametrize(
    "model",
    [
        "deliberation",
        "deliberationcandidate",
        "jurymember",
        "blockdecision",
        "heldblock",
        "minutes",
        "minutessignature",
    ],
)
def test_every_juries_admin_is_read_only(signed, superuser_client, model):
    assert superuser_client.get(reverse(f"admin:juries_{model}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"admin:juries_{model}_add")).status_code == 403


def test_the_yearly_counter_admin_is_read_only(superuser_client):
    # PV and certificate numbers share one counter model (acquis.numbering).
    changelist = reverse("admin:numbering_yearlycounter_changelist")
    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(reverse("admin:numbering_yearlycounter_add")).status_code == 403


def test_the_decision_screen_refuses_a_signed_decision(signed, client):
    deliberation, candidacy, decision = signed
    before = snapshot(decision)
    member = jf.member_users(deliberation)[0]
    client.login(email=member.email, password=PASSWORD)
    url = reverse("jury:deliberation_decide", args=[deliberation.pk, candidacy.pk])
    response = client.post(
        url,
        {"kind": "partial", "blocks": ["B1"], "reason": "Autre avis", "further_evidence": "x"},
    )
    assert "Décision impossible" in response.content.decode()
    assert snapshot(decision) == before


def test_the_minutes_screen_cannot_reopen_a_signed_deliberation(signed, client):
    deliberation, _, decision = signed
    before = snapshot(decision)
    member = jf.member_users(deliberation)[0]
    client.login(email=member.email, password=PASSWORD)
    response = client.post(
        reverse("jury:minutes", args=[deliberation.pk]), {"action": "reopen"}, follow=True
    )
    assert "Seule une délibération dont le procès-verbal attend les signatures" in (
        response.content.decode()
    )
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNED
    assert snapshot(decision) == before


def test_audit_verify_catches_a_decision_event_altered_in_the_database(signed):
    _, _, decision = signed
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intègre" in out.getvalue()
    event = AuditEvent.objects.for_object(decision).get(verb="decision.recorded")
    tampered = event.payload | {"kind": DecisionKind.TOTAL}
    AuditEvent.objects.filter(pk=event.pk).update(payload=tampered)  # bypasses the model
    with pytest.raises(CommandError, match=f"événement n° {event.pk} \\(decision.recorded"):
        call_command("audit", "verify", stdout=StringIO())


def test_audit_verify_catches_a_deleted_signature_event(signed):
    deliberation, _, _ = signed
    signature = AuditEvent.objects.filter(verb="minutes.signed").order_by("pk").first()
    AuditEvent.objects.filter(pk=signature.pk)._raw_delete(AuditEvent.objects.db)
    with pytest.raises(CommandError, match="lien"):
        call_command("audit", "verify", stdout=StringIO())
