"""The staff home: "À suivre" (holders to declare with the 3-month deadline, decisions
without documents, partial validations about to expire) and the referentials."""

import html
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.exports import accrochage
from tests.conftest import PASSWORD
from tests.exports import awarded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def home(client) -> str:
    """The page's text, entities decoded and whitespace collapsed."""
    return " ".join(html.unescape(client.get(reverse("staff:dashboard")).content.decode()).split())


def _issued(decision):
    document = IssuedDocument(
        certifier=decision.deliberation.certifier,
        kind=DocumentKind.CERTIFICATE,
        number=f"OPS-2026-{decision.pk:06d}",
        decision=decision,
        candidate=decision.candidacy.candidate,
        verification_code=f"code-{decision.pk}",
        sha256="0" * 64,
        issued_at=timezone.now(),
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=False)
    document.save()


def test_nothing_to_follow(client, personas, ops_version):
    login(client, personas["responsable_epreuves"])
    page = home(client)
    assert "Tous les titulaires sont déclarés." in page
    assert "Chaque décision signée a ses documents." in page
    assert (
        "Aucun délai de demande de nouvelle validation ne prend fin dans les 6 prochains mois."
        in page
    )
    # The referentials have their own page (menu « Administration › Référentiels »).
    assert ops_version.title not in page
    referentials = client.get(reverse("staff:referentials")).content.decode()
    assert ops_version.title in html.unescape(referentials)


def test_holders_to_declare_with_the_deadline(client, personas, ops_version):
    today = timezone.localdate()
    old = awarded(ops_version, on=today - timedelta(days=120))
    awarded(ops_version, on=today - timedelta(days=10))
    summary = accrochage.summary([ops_version.certification.owner], today=today)
    assert (summary.total, summary.overdue, summary.declarable) == (2, 1, 0)
    assert summary.next_deadline == accrochage.declaration_deadline(old)
    login(client, personas["administrateur"])
    page = home(client)
    assert "<strong>2 titulaires non déclarés</strong>" in page
    assert "1 en retard" in page and "délai de 3 mois dépassé" in page
    deadline = accrochage.declaration_deadline(old)
    assert f"Prochaine échéance : {deadline.day} " in page
    assert reverse("staff:accrochage") in page


def test_decisions_without_documents_and_expiries(client, personas, ops_version):
    today = timezone.localdate()
    partial = awarded(ops_version, partial=True, on=today - timedelta(days=5 * 365 - 30))
    total = awarded(ops_version, on=today)
    login(client, personas["responsable_epreuves"])
    page = home(client)
    assert "2 décisions signées dans 2 délibérations sans document délivré." in page
    assert (
        "1 validation partielle : demandes de nouvelle validation possibles jusqu'à une "
        "date comprise dans les 6 prochains mois." in page
    )
    _issued(total)
    _issued(partial)
    page = home(client)
    assert "Chaque décision signée a ses documents." in page


def test_another_certifier_sees_only_its_own_figures(client, personas, ops_version):
    awarded(ops_version, on=date(2024, 1, 10))
    login(client, personas["admin_autre_certificateur"])
    page = home(client)
    assert "Tous les titulaires sont déclarés." in page
    assert "Chaque décision signée a ses documents." in page


def test_the_home_costs_the_same_whatever_the_data(client, personas, ops_version):
    login(client, personas["responsable_epreuves"])
    client.get(reverse("staff:dashboard"))  # session, caches warmed

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff:dashboard")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        awarded(ops_version, partial=True)
    assert count() == before
