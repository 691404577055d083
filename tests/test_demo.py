"""`make run`'s demo data: built through the services, idempotent, every situation present."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

import acquis.demo
from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.candidates.models import Candidacy, Candidate
from acquis.candidates.services import memoir_summary
from acquis.credentials import certifier_keys
from acquis.credentials.enums import BatchStatus, DocumentKind
from acquis.credentials.models import IssuedCredential, IssuedDocument, IssuingBatch
from acquis.demo import second
from acquis.demo.api import CLIENT_NAME
from acquis.demo.common import DEMO_PASSWORD
from acquis.demo.core import build_demo
from acquis.evaluations.enums import GridStatus, PanelRule, SessionStatus, SlotStatus
from acquis.evaluations.models import (
    CompetencyResult,
    ConsolidatedMark,
    DeliverableSubmission,
    EvaluationSession,
    Grid,
    JurorTraining,
)
from acquis.evaluations.services import panel_problems
from acquis.followup.models import Answer, Campaign
from acquis.integrations.models import ApiClient, WebhookDelivery
from acquis.juries import composition, evidence
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryKind
from acquis.juries.models import Decision, Deliberation, HeldBlock
from acquis.organisations.models import Organisation
from acquis.referential.models import CertificationVersion
from tests.conftest import module_world

pytestmark = pytest.mark.django_db


def _build_demo(version):
    """`acquis demo` once for the module (its decisions' e-mails sent on commit), with its
    signing keys under the module's temporary folder, never the developer's var/."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("demo", stdout=out)
    cns = Organisation.objects.get(name=second.NAME)
    return {
        "out": out.getvalue(),
        "installation_keys": Path(settings.ACQUIS_PDF_SIGNING_KEY).is_file()
        and Path(settings.ACQUIS_BADGE_KEY_FILE).is_file(),
        "cns_own_keys": certifier_keys.pdf_pair(cns).own
        and certifier_keys.pdf_pair(cns).cert.is_file()
        and certifier_keys.badge_key_file(cns).is_file(),
    }


demo = module_world(_build_demo)


def test_demo_is_complete(demo):
    first = demo["out"]
    assert "admin@ops-conseil.demo" in first and "Mot de passe" in first
    assert "julie.marchand@exemple.fr" in first  # a holder with her documents and badges
    assert "responsable@numerique-sud.demo" in first  # the second certifier's staff
    assert CertificationVersion.objects.count() == 2  # OPS Conseil's and the second title
    ops = Organisation.objects.get(name="OPS Conseil")
    # 12 in the 2026 cohort, 5 in 2025, a VAE; 8 earlier holders surveyed (followup.py)
    assert Candidate.objects.filter(certifier=ops).count() == 26
    closed, opened = Campaign.objects.order_by("decided_to")
    assert (closed.status, opened.status) == ("closed", "open")
    assert closed.pseudonymised_at is not None
    assert Answer.objects.filter(invitation__campaign=closed).count() == 5
    assert Answer.objects.filter(invitation__campaign=opened).count() == 1
    # The surveyed holders were decided through the jury verbs: evaluated on the title's
    # sittings, decided by a jury member on a jury held in the past, its PV signed by the
    # three members; every decision is in the audit trail.
    surveyed = Decision.objects.filter(
        deliberation__date__in=[closed.decided_from, opened.decided_from]
    )
    assert surveyed.count() == 8
    for decision in surveyed.select_related("deliberation", "candidacy"):
        jury = decision.deliberation
        assert jury.status == DeliberationStatus.SIGNED and decision.frozen
        assert jury.date < decision.decided_at.date()  # held in the past, as the surveys need
        assert jury.members.filter(user=decision.decided_by).exists()
        assert jury.minutes.get(superseded=False).signatures.count() == 3
        assert (decision.kind, decision.title_awarded) == (DecisionKind.TOTAL, True)
        assert ConsolidatedMark.objects.filter(
            consolidation__slot__candidacy=decision.candidacy
        ).exists()
        assert AuditEvent.objects.for_object(decision).filter(verb="decision.recorded").exists()
    assert set(surveyed.values_list("deliberation__kind", flat=True)) == {
        JuryKind.CERTIFICATION,
        JuryKind.VAE,  # Bastien Morel, after his oral
    }
    statuses = set(Candidacy.objects.values_list("status", flat=True))
    assert {
        "registered",
        "in_progress",
        "admissibility_pending",
        "not_admissible",
        "validation_file_submitted",
        "awaiting_jury",
        "withdrawn",
    } <= statuses
    assert Candidacy.objects.filter(partner__isnull=False).count() == 3  # and Thomas Roux (2025)
    assert Candidacy.objects.filter(accommodations__isnull=False).count() == 2
    assert Candidate.objects.get(birth_name="Moreau").user.is_active
    assert Candidate.objects.get(birth_name="Marchand").user.is_active
    upcoming = EvaluationSession.objects.get(status=SessionStatus.PLANNED)
    problems = panel_problems(upcoming)
    # The representative and an unqualified professional: refused, each reason given.
    assert [(p.rule, p.juror.user.email if p.juror else None) for p in problems] == [
        (PanelRule.EXPERIENCE, "nouveau-jure@ops-conseil.demo"),
        (PanelRule.TRAINING, "nouveau-jure@ops-conseil.demo"),
        (PanelRule.PROFESSIONALS, None),
    ]
    assert upcoming.slots.count() == 3
    # Every training was given by the person in charge of the evaluations, with its sheet.
    assert not JurorTraining.objects.exclude(
        trainer__email="epreuves@ops-conseil.demo", attendance_record__isnull=False
    ).exists()
    # The past session: closed, fully graded, with a divergence and an excused absence.
    past = EvaluationSession.objects.get(
        status=SessionStatus.CLOSED, title="Session d'évaluation — bloc 1"
    )
    assert set(past.slots.values_list("status", flat=True)) == {
        SlotStatus.CONSOLIDATED,
        SlotStatus.ABSENT_EXCUSED,
    }
    assert ConsolidatedMark.objects.filter(
        consolidation__slot__session=past, divergent=True
    ).exists()
    assert not Grid.objects.filter(slot__session=past, status=GridStatus.DRAFT).exists()
    assert CompetencyResult.objects.filter(acquired=False).exists()  # Chloé Rousseau, C1.1
    assert DeliverableSubmission.objects.filter(slot__session=past).count() == 4
    # Today's session: opened, the demo juror has a grid in progress.
    held = EvaluationSession.objects.get(status=SessionStatus.OPENED)
    assert Grid.objects.filter(
        slot__session=held, juror__user__email="jure@ops-conseil.demo", status=GridStatus.DRAFT
    ).exists()
    assert not held.slots.filter(convoked_at__isnull=True).exists()
    # Juries: a signed certification jury with the three kinds of decision (and a total
    # validation of one block without the title), two signed VAE juries, one open (VAE).
    signed = Deliberation.objects.get(title="Jury de certification — promotion 2025")
    outcomes = {
        d.candidacy.candidate.first_name: (d.kind, d.title_awarded)
        for d in signed.decisions.select_related("candidacy__candidate")
    }
    assert outcomes == {
        "Julie": (DecisionKind.TOTAL, True),
        "Thomas": (DecisionKind.PARTIAL, False),
        "Yanis": (DecisionKind.REFUSED, False),
        "Léa": (DecisionKind.TOTAL, False),  # registered for B1 only: her block, not the title
    }
    assert signed.decisions.filter(frozen=True, notified_at__isnull=False).count() == 4
    pv = signed.minutes.get(superseded=False)
    assert pv.signatures.count() == 3
    # Rachid Amrani stood aside for Léa Vidal (she did her placement where he works): the PV
    # says so and why; she waits for the prepared jury with a substitute.
    (waiting,) = pv.content["not_decided"]
    assert waiting["name"] == "VIDAL Léa"
    assert [m["name"] for m in waiting["stood_aside"]] == ["Rachid Amrani"]
    assert "Association Tremplin Emploi" in waiting["stood_aside"][0]["reason"]
    substitute = Deliberation.objects.get(status=DeliberationStatus.PREPARED)
    assert substitute.entries.get().candidacy.candidate.birth_name == "Vidal"
    assert not composition.problems(substitute)
    assert HeldBlock.objects.filter(decision__deliberation=signed).count() == 4 + 3 + 1
    partial = signed.decisions.get(kind=DecisionKind.PARTIAL)
    assert partial.deadline is not None  # new validation requests possible until then
    # Fatou Diallo (VAE): postponed without her oral, decided after it by the same jury.
    first_vae, second_vae = Deliberation.objects.filter(
        kind=JuryKind.VAE,
        status=DeliberationStatus.SIGNED,
        title__in=["Jury VAE — mars", "Jury VAE — avril"],
    ).order_by("date")
    postponed = first_vae.entries.get()
    assert "oral" in postponed.postponement_reason and not first_vae.decisions.exists()
    assert (
        first_vae.minutes.get(superseded=False).content["postponed"][0]["name"].startswith("DIALLO")
    )
    decided = second_vae.decisions.get(candidacy=postponed.candidacy)
    assert (decided.kind, decided.title_awarded) == (DecisionKind.TOTAL, True)
    # Memoirs: a part marked missing with its reason; a memoir replaced after its checks.
    nguyen = Candidacy.objects.get(candidate__birth_name="Nguyen")
    assert [p["code"] for p in memoir_summary(nguyen)["marked_missing"]] == ["M7"]
    rousseau = Candidacy.objects.get(candidate__birth_name="Rousseau")
    assert memoir_summary(rousseau)["recheck"]
    # What it issued, through a batch run to its end: the PV, a certificate (replaced after
    # a change of name: the first one revoked, its letter too), an attestation, letters, badges.
    batch = IssuingBatch.objects.get(deliberation=signed)
    assert (batch.status, batch.processed, batch.total) == (BatchStatus.DONE, 4, 4)
    kinds = sorted(
        IssuedDocument.objects.filter(revoked_at__isnull=True, certifier=ops).values_list(
            "kind", flat=True
        )
    )
    assert kinds == sorted(
        [DocumentKind.MINUTES]
        + [DocumentKind.CERTIFICATE] * 2  # the replacement and its duplicata
        + [DocumentKind.BLOCK_ATTESTATION] * 2
        + [DocumentKind.DECISION_LETTER] * 4
    )
    # The certificate replaced after a change of name, and her letter, which cites its
    # number, issued again citing the new one.
    revoked = IssuedDocument.objects.get(revoked_at__isnull=False, kind=DocumentKind.CERTIFICATE)
    assert "Nom d'usage ajouté" in revoked.revocation_reason
    assert revoked.replaced_by.kind == DocumentKind.CERTIFICATE
    letter = IssuedDocument.objects.get(revoked_at__isnull=False, kind=DocumentKind.DECISION_LETTER)
    assert letter.replaced_by.revoked_at is None and letter.decision == revoked.decision
    assert IssuedDocument.objects.filter(revoked_at__isnull=False).count() == 2
    duplicate = IssuedDocument.objects.get(duplicate_of__isnull=False)
    assert duplicate.duplicate_of == revoked.replaced_by
    assert duplicate.number == revoked.replaced_by.number
    assert IssuedCredential.objects.filter(decision__deliberation=signed).count() == 5 + 3 + 1
    assert demo["installation_keys"]
    opened = Deliberation.objects.get(status=DeliberationStatus.OPEN)
    assert opened.kind == JuryKind.VAE
    assert opened.members.filter(user__email="jure@ops-conseil.demo").exists()
    aicha = opened.entries.get().candidacy
    # Listed without her oral: no validation possible, the engine proposes a postponement.
    assert evidence.gather_one(opened, aicha).proposal.postpone
    assert verify_chain().ok


def test_demo_is_idempotent(demo):
    def counts():
        return [
            model.objects.count()
            for model in (Candidate, Candidacy, Deliberation, IssuedDocument, Campaign, Answer)
        ]

    before = counts()
    logins = build_demo()
    assert counts() == before
    assert "responsable@numerique-sud.demo" in {login.email for login in logins}
    assert CertificationVersion.objects.count() == 2


def test_demo_has_a_partner_api_client_with_logged_deliveries(demo):
    client = ApiClient.objects.get(name=CLIENT_NAME)
    assert client.partner.name == "Formation Plus Lyon" and client.tokens.count() == 1
    deliveries = WebhookDelivery.objects.filter(subscription__client=client)
    assert deliveries.filter(attempts=1, status="retrying").count() == 3
    assert deliveries.filter(attempts=0, status="pending").exists()
    assert deliveries.filter(attempts=1).first().log.get().error  # refused locally
    build_demo()
    assert WebhookDelivery.objects.filter(attempts__gt=1).count() == 0  # idempotent


def test_demo_second_certifier_runs_its_own_title(demo, client):
    """Its title loaded and owned by it, a signed jury that issued its documents, numbered
    and signed as its own; its staff sees only its data, OPS Conseil's staff none of it."""
    cns = Organisation.objects.get(name=second.NAME)
    ops = Organisation.objects.get(name="OPS Conseil")
    version = CertificationVersion.objects.get(certification__owner=cns)
    assert version.certification.title == "Médiateur numérique en tiers-lieux"
    assert demo["cns_own_keys"]  # its own PDF pair and badge key, not the installation's
    jury = Deliberation.objects.get(certifier=cns, status=DeliberationStatus.SIGNED)
    outcomes = {
        d.candidacy.candidate.birth_name: (d.kind, d.title_awarded)
        for d in jury.decisions.select_related("candidacy__candidate")
    }
    assert outcomes == {
        "Sanchez": (DecisionKind.TOTAL, True),
        "Lemaire": (DecisionKind.PARTIAL, False),
    }
    pv = jury.minutes.get(superseded=False)
    assert pv.number.startswith("PV-CND-") and pv.signatures.count() == 2
    batch = IssuingBatch.objects.get(deliberation=jury)
    assert (batch.status, batch.processed, batch.total) == (BatchStatus.DONE, 2, 2)
    documents = IssuedDocument.objects.filter(certifier=cns)
    assert sorted(documents.values_list("kind", flat=True)) == sorted(
        [
            DocumentKind.MINUTES,
            DocumentKind.CERTIFICATE,
            DocumentKind.BLOCK_ATTESTATION,
            DocumentKind.DECISION_LETTER,
            DocumentKind.DECISION_LETTER,
        ]
    )
    numbered = documents.exclude(number="").exclude(kind=DocumentKind.MINUTES)
    assert all(n.startswith("CND-") for n in numbered.values_list("number", flat=True))
    assert Candidate.objects.filter(certifier=cns).count() == 3
    # Each certifier's staff sees only its own candidacies and juries.
    theirs = jury.decisions.get(title_awarded=True).candidacy
    ours = Candidacy.objects.filter(candidate__certifier=ops).first()
    ops_jury = Deliberation.objects.get(title="Jury de certification — promotion 2025")
    cases = [
        ("responsable@numerique-sud.demo", theirs, jury, ours, ops_jury),
        ("epreuves@ops-conseil.demo", ours, ops_jury, theirs, jury),
    ]
    for email, own, own_jury, other, other_jury in cases:
        assert client.login(email=email, password=DEMO_PASSWORD)
        assert client.get(reverse("staff:candidacy", args=[own.pk])).status_code == 200
        assert client.get(reverse("staff:deliberation", args=[own_jury.pk])).status_code == 200
        assert client.get(reverse("staff:candidacy", args=[other.pk])).status_code == 404
        assert client.get(reverse("staff:deliberation", args=[other_jury.pk])).status_code == 404
        dashboard = client.get(reverse("staff:dashboard")).content.decode()
        assert other.version.certification.title not in dashboard, email
        client.logout()


def demo_imports() -> dict[str, set[str]]:
    """{demo module: the demo modules it imports}, and no import inside a function."""
    package = Path(acquis.demo.__file__).parent
    graph = {}
    for path in package.glob("*.py"):
        name = f"acquis.demo.{path.stem}" if path.stem != "__init__" else "acquis.demo"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                nested = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not nested, f"{path.name}: import dans la fonction {node.name}"
        targets = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("acquis.demo"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if (package / f"{alias.name}.py").is_file() else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("acquis.demo")}
        graph[name] = targets - {name}
    return graph


def test_demo_package_has_no_import_cycle():
    graph = demo_imports()
    assert "acquis.demo.common" in graph and not graph["acquis.demo.common"]
    # Only the package's own __init__ imports it as a whole; a module importing the package
    # would import every module back.
    assert not [m for m, targets in graph.items() if "acquis.demo" in targets]

    def reach(start, seen):
        for target in graph.get(start, ()):
            assert target != "acquis.demo" or start == "acquis.demo"
            if target not in seen:
                seen.add(target)
                reach(target, seen)
        return seen

    cycles = [m for m in graph if m != "acquis.demo" and m in reach(m, set())]
    assert cycles == []
