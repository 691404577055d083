"""Preparatory deliverables: deposit before the deadline, history, panel visibility."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.candidates.models import candidacy_for_document
from acquis.documents.models import Document
from acquis.evaluations import deliverables, planning, services
from acquis.evaluations.deliverables import DeliverableFileError
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import DeliverableSubmission
from tests import evaluation_factories as ef
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
DAY = date(2026, 12, 15)  # deadline by default: 13/12/2026 at 23:59 (Paris)
PARIS = timezone.get_current_timezone()
DUE = datetime(2026, 12, 13, 23, 59, tzinfo=PARIS)
BEFORE = DUE - timedelta(days=3)


@pytest.fixture
def slot(ops_version):
    session = ef.session(ops_version, on=DAY)
    return ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60)


@pytest.fixture
def l1(ops_version):
    return ops_version.assessments.get(code="E1").deliverables.get(code="L1")


def upload(slot, deliverable, *, now=BEFORE, name="support.pdf", content=None):
    file = factories.pdf_upload(name) if content is None else SimpleUploadedFile(name, content)
    return deliverables.upload_deliverable(
        slot, deliverable, upload=file, actor=slot.candidacy.candidate.user, now=now
    )


def test_the_referential_deliverables_of_the_sitting_are_required(ops_version, slot):
    assert [d.code for d in deliverables.required(slot)] == ["L1"]
    e2 = ef.slot(slot.session, ef.started_candidacy(ops_version), "E2", "11:00", minutes=60)
    assert [d.code for d in deliverables.required(e2)] == ["L2", "L3"]


def test_a_deposit_is_recorded_with_its_fingerprint(slot, l1):
    submission = upload(slot, l1)
    assert submission.submitted_at == BEFORE
    assert submission.document.kind == deliverables.DOCUMENT_KIND
    event = AuditEvent.objects.get(verb="slot.deliverable_submitted")
    assert event.object_id == str(slot.pk)
    assert event.payload["deliverable"] == "L1"
    assert event.payload["sha256"] == submission.document.sha256
    assert len(event.payload["sha256"]) == 64
    assert deliverables.current(slot) == {l1.pk: submission}
    # The dossier holding the file is the slot's candidacy (download permission).
    assert candidacy_for_document(submission.document) == slot.candidacy


def test_deposits_lock_exactly_at_the_deadline(slot, l1):
    assert slot.session.deliverables_due_at == DUE
    last = upload(slot, l1, now=DUE - timedelta(seconds=1))
    assert not deliverables.is_locked(slot.session, now=DUE - timedelta(seconds=1))
    assert deliverables.is_locked(slot.session, now=DUE)
    with pytest.raises(EvaluationError) as refused:
        upload(slot, l1, now=DUE)
    assert str(refused.value) == (
        "Dépôt clos depuis le 13/12/2026 à 23:59 : le livrable L1 ne peut plus être déposé "
        "ni remplacé."
    )
    with pytest.raises(EvaluationError, match="Dépôt clos depuis le 13/12/2026 à 23:59"):
        upload(slot, l1, now=DUE + timedelta(hours=5))
    # Nothing was written by the refused deposits: the last one before the deadline counts.
    assert DeliverableSubmission.objects.count() == 1
    assert deliverables.current(slot)[l1.pk] == last


def test_the_clock_is_read_inside_the_transaction(slot, l1, monkeypatch):
    """Without `now`, the verb compares the real time of the deposit, after the file is stored."""
    calls = []

    def clock():  # the deadline passes while the file is being stored
        calls.append(1)
        return DUE - timedelta(seconds=1) if len(calls) == 1 else DUE

    monkeypatch.setattr(timezone, "now", clock)
    with pytest.raises(EvaluationError, match="Dépôt clos depuis le 13/12/2026 à 23:59"):
        deliverables.upload_deliverable(slot, l1, upload=factories.pdf_upload(), actor=None)
    assert not DeliverableSubmission.objects.exists()
    assert not Document.objects.filter(kind=deliverables.DOCUMENT_KIND).exists()


def test_a_deliverable_of_another_sitting_is_refused(ops_version, slot):
    l2 = ops_version.assessments.get(code="E2").deliverables.get(code="L2")
    with pytest.raises(EvaluationError) as refused:
        upload(slot, l2)
    assert str(refused.value) == "Livrable : L2 n'est pas demandé pour l'épreuve E1."
    assert not DeliverableSubmission.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_by_its_content(slot, l1):
    with pytest.raises(DeliverableFileError) as refused:
        upload(slot, l1, name="support.pdf", content=b"MZ\x90\x00 not a pdf")
    assert str(refused.value) == (
        "Livrable L1 (Support synthétique présentant l'action) : seuls les fichiers PDF, "
        "DOCX et ODT sont acceptés (le contenu du fichier ne correspond à aucun de ces formats)."
    )
    with pytest.raises(DeliverableFileError, match="le fichier est vide"):
        upload(slot, l1, content=b"")
    assert not DeliverableSubmission.objects.exists()
    assert not Document.objects.filter(kind=deliverables.DOCUMENT_KIND).exists()
    assert not AuditEvent.objects.filter(verb="slot.deliverable_submitted").exists()


def test_every_deposit_is_kept_and_the_latest_counts(slot, l1):
    first = upload(slot, l1, name="v1.pdf", now=BEFORE)
    second = upload(
        slot, l1, name="v2.odt", content=factories.odt_bytes(), now=BEFORE + timedelta(hours=1)
    )
    assert deliverables.history(slot, l1) == [first, second]
    assert deliverables.current(slot)[l1.pk] == second
    assert second.document.extension == "odt"
    assert Document.objects.filter(pk=first.document_id).exists()
    assert AuditEvent.objects.filter(verb="slot.deliverable_submitted").count() == 2


def test_a_cancelled_slot_or_session_takes_no_deposit(ops_version, slot, l1):
    planning.cancel_slot(slot, reason="Report à la demande du candidat")
    with pytest.raises(EvaluationError, match="le créneau est « Annulé »"):
        upload(slot, l1)
    other = ef.slot(slot.session, ef.started_candidacy(ops_version), "E1", "11:00", minutes=60)
    services.cancel_session(slot.session, reason="Salle indisponible")
    with pytest.raises(EvaluationError, match="la session a été annulée"):
        upload(other, l1)


def test_the_panel_sees_the_deliverables_from_the_opening(ops_version, l1):
    today = timezone.localdate()
    session = ef.session(ops_version, on=today)
    slot = ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60)
    early = datetime.combine(today - timedelta(days=5), time(10), tzinfo=PARIS)
    upload(slot, l1, now=early)
    assert not deliverables.panel_may_see(slot)
    services.confirm_panel(session)
    slot.refresh_from_db()
    assert not deliverables.panel_may_see(slot)
    planning.open_session(session, today=today)
    slot.refresh_from_db()
    assert deliverables.panel_may_see(slot)
    # Once opened, nothing more is deposited, whatever the deadline.
    assert deliverables.is_locked(slot.session, now=early)
    with pytest.raises(EvaluationError, match="Dépôt clos : la session est « Ouverte »"):
        upload(slot, l1, now=early)


def test_staff_move_the_deadline_within_the_rules(slot, l1, personas):
    manager = personas["responsable_epreuves"]
    session = slot.session
    later = datetime(2026, 12, 14, 18, 0, tzinfo=PARIS)
    deliverables.set_deadline(session, later, actor=manager, now=BEFORE)
    session.refresh_from_db()
    assert session.deliverables_due_at == later
    event = AuditEvent.objects.get(verb="session.deliverables_deadline_set")
    assert event.payload == {"from": DUE.isoformat(), "to": later.isoformat()}
    assert event.actor == manager
    # The new deadline governs deposits: after the old one, before the new one.
    assert upload(slot, l1, now=DUE + timedelta(hours=1)).pk

    with pytest.raises(EvaluationError) as refused:
        deliverables.set_deadline(
            session, datetime(2026, 12, 16, 9, 0, tzinfo=PARIS), actor=manager, now=BEFORE
        )
    assert str(refused.value) == (
        "Date limite des livrables : elle ne peut pas être après le jour de la session "
        "(15/12/2026)."
    )
    with pytest.raises(EvaluationError, match="elle doit être dans le futur"):
        deliverables.set_deadline(session, BEFORE - timedelta(hours=1), actor=manager, now=BEFORE)
    session.refresh_from_db()
    assert session.deliverables_due_at == later
    assert AuditEvent.objects.filter(verb="session.deliverables_deadline_set").count() == 1


def test_the_deadline_is_fixed_once_the_session_is_opened(ops_version, personas):
    session, _ = ef.opened_session(ops_version, [ef.started_candidacy(ops_version)])
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(EvaluationError) as refused:
        deliverables.set_deadline(session, tomorrow, actor=personas["responsable_epreuves"])
    assert str(refused.value) == (
        "Date limite des livrables : elle ne change plus, la session est « Ouverte »."
    )


def test_a_slot_no_longer_scheduled_takes_no_deposit(ops_version, l1):
    session, (slot,) = ef.opened_session(ops_version, [ef.started_candidacy(ops_version)])
    planning.move_slot(slot, SlotStatus.ABSENT_EXCUSED, actor=None)
    with pytest.raises(EvaluationError, match="« Absence excusée »"):
        upload(slot, l1, now=timezone.now() - timedelta(days=10))
