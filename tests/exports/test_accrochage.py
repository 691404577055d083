"""The accrochage file: what is declared, its content, the XSD check before it is offered."""

from datetime import date

import pytest
from lxml import etree

from acquis.audit.models import AuditEvent
from acquis.candidates.models import Candidacy, Candidate
from acquis.exports import accrochage
from acquis.exports.accrochage import NS, AccrochageError, export_accrochage
from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageBatch, AccrochageLine
from tests.exports import (
    NUMBER,
    ON,
    awarded,
    real_schema,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accrochage_settings")]
N = {"cpf": NS}


def _tree(batch):
    with batch.file.open("rb") as handle:
        return etree.parse(handle)


def _passages(tree):
    return {
        p.findtext("cpf:idTechnique", namespaces=N): p
        for p in tree.iterfind(".//cpf:passageCertification", N)
    }


def test_total_and_partial_awards_make_a_file_valid_against_the_real_xsd(rncp_version):
    total = awarded(rncp_version)
    partial = awarded(rncp_version, partial=True)
    result = export_accrochage(rncp_version.certification.owner)
    tree = _tree(result.batch)
    assert real_schema().validate(tree), real_schema().error_log
    codes = [c.findtext("cpf:code", namespaces=N) for c in tree.iterfind(".//cpf:certification", N)]
    assert codes == [NUMBER, f"{NUMBER}BC01", f"{NUMBER}BC02", f"{NUMBER}BC04"]
    passages = _passages(tree)
    assert set(passages) == {
        f"ACQ-{total.pk}",
        f"ACQ-{partial.pk}-{NUMBER}BC01",
        f"ACQ-{partial.pk}-{NUMBER}BC02",
        f"ACQ-{partial.pk}-{NUMBER}BC04",
    }
    title = passages[f"ACQ-{total.pk}"]
    assert title.findtext("cpf:dateDebutValidite", namespaces=N) == ON.isoformat()
    assert title.find("cpf:dateFinValidite", N).get(f"{{{accrochage.XSI}}}nil") == "true"
    block = passages[f"ACQ-{partial.pk}-{NUMBER}BC01"]
    # A validated block is acquired for good: no end of validity, whatever the deadline for
    # a new validation request.
    assert block.find("cpf:dateFinValidite", N).get(f"{{{accrochage.XSI}}}nil") == "true"
    horodatage = tree.findtext("cpf:horodatage", namespaces=N)
    assert horodatage[-6:] in {"+01:00", "+02:00"}
    assert tree.findtext(".//cpf:certificateur/cpf:idContrat", namespaces=N) == "2560080000127J"
    lines = AccrochageLine.objects.filter(batch=result.batch)
    assert sorted(lines.values_list("decision_id", flat=True)) == sorted([total.pk, partial.pk])
    assert result.batch.line_count == 4
    assert AuditEvent.objects.filter(verb="accrochage.exported").count() == 1


def test_identity_branch_and_nil_for_unknown_data(rncp_version):
    decision = awarded(rncp_version)
    Candidate.objects.filter(pk=decision.candidacy.candidate_id).update(
        usage_name="", birth_insee_code="", birth_country="Maroc", birth_city=""
    )
    Candidacy.objects.filter(pk=decision.candidacy_id).update(
        pathway="vae", access_mode="VAE", vae_route="CONGES_VAE"
    )
    tree = _tree(export_accrochage(decision.candidacy.candidate.certifier).batch)
    assert real_schema().validate(tree), real_schema().error_log
    holder = tree.find(".//cpf:titulaire", N)
    nil = f"{{{accrochage.XSI}}}nil"
    assert holder.find("cpf:nomUsage", N).get(nil) == "true"
    assert (
        holder.find("cpf:codeCommuneNaissance/cpf:codePostalNaissance/cpf:codePostal", N).get(nil)
        == "true"
    )
    assert holder.findtext("cpf:libellePaysNaissance", namespaces=N) == "Maroc"
    modes = tree.find(".//cpf:modalitesInscription", N)
    assert modes.findtext("cpf:modaliteAcces", namespaces=N) == "VAE"
    assert modes.findtext("cpf:voieAccessVAE", namespaces=N) == "CONGES_VAE"


def test_broken_identity_refuses_the_export_naming_the_holder_and_writes_nothing(rncp_version):
    good = awarded(rncp_version)
    bad = awarded(rncp_version)
    Candidate.objects.filter(pk=bad.candidacy.candidate_id).update(birth_insee_code="691")
    name = Candidate.objects.get(pk=bad.candidacy.candidate_id).full_name
    with pytest.raises(AccrochageError) as caught:
        export_accrochage(good.candidacy.candidate.certifier)
    message = str(caught.value)
    assert name in message and f"ACQ-{bad.pk}" in message
    assert "cpf:codeInsee" in message and "rien n'a été enregistré" in message
    assert not AccrochageBatch.objects.exists() and not AccrochageLine.objects.exists()
    assert not AuditEvent.objects.filter(verb="accrochage.exported").exists()


def test_id_technique_is_stable_and_declared_awards_are_not_declared_twice(rncp_version):
    decision = awarded(rncp_version)
    certifier = decision.candidacy.candidate.certifier
    first = export_accrochage(certifier).batch
    with pytest.raises(AccrochageError, match="déjà déclarées"):
        export_accrochage(certifier)  # the line awaits the CDC report
    line = first.lines.get()
    line.status = LineStatus.REJECTED
    line.save()
    second = export_accrochage(certifier).batch
    assert second.lines.get().id_technique == line.id_technique == f"ACQ-{decision.pk}"
    assert set(_passages(_tree(first))) == set(_passages(_tree(second)))


def test_unknown_registry_number_is_never_invented(ops_version):
    decision = awarded(ops_version)
    with pytest.raises(AccrochageError, match="Aucun titulaire déclarable"):
        export_accrochage(decision.candidacy.candidate.certifier)
    [row] = accrochage.pending_holders(decision.candidacy.candidate.certifier, today=ON)
    assert "numéro RNCP/RS de la certification inconnu" in row.reason
    assert row.deadline == date(2025, 9, 20) and not row.overdue


def test_refusals_and_corrected_decisions_are_not_declared(rncp_version):
    from acquis.juries import corrections
    from tests.juries import factories as jf

    partial = awarded(rncp_version, partial=True)
    certifier = rncp_version.certification.owner
    assert [r.decision for r in accrochage.pending_holders(certifier)] == [partial]
    new = jf.correction(partial, on=date(2025, 7, 1))
    corrections.decide_correction(
        new,
        partial.candidacy,
        correction_reason="Erreur matérielle.",
        blocks={},
        kind="refused",
        reason="Aucun bloc démontré.",
        actor=None,
    )
    jf.sign_all(new)
    assert new.decisions.get().frozen
    assert accrochage.pending_holders(certifier) == []  # corrected, then refused
    with pytest.raises(AccrochageError, match="Aucun titulaire à déclarer"):
        export_accrochage(certifier)


def test_since_filters_by_deliberation_date_and_deadline_is_overdue(rncp_version):
    old = awarded(rncp_version, on=date(2025, 1, 10))
    new = awarded(rncp_version, on=ON)
    certifier = old.candidacy.candidate.certifier
    rows = {
        r.decision.pk: r for r in accrochage.pending_holders(certifier, today=date(2025, 6, 30))
    }
    assert rows[old.pk].overdue and not rows[new.pk].overdue
    batch = export_accrochage(certifier, since=date(2025, 6, 1)).batch
    assert list(batch.lines.values_list("decision_id", flat=True)) == [new.pk]
    assert batch.since == date(2025, 6, 1)


def test_settings_are_checked_before_anything(rncp_version, settings):
    awarded(rncp_version)
    settings.ACQUIS_ACCROCHAGE_CERTIFIER_ID = "TROPLONG9"
    with pytest.raises(AccrochageError, match="ACQUIS_ACCROCHAGE_CERTIFIER_ID"):
        export_accrochage(rncp_version.certification.owner)
    settings.ACQUIS_ACCROCHAGE_CERTIFIER_ID = "E564ACB0"
    settings.ACQUIS_ACCROCHAGE_XSD = "/nonexistent.xsd"
    with pytest.raises(AccrochageError, match="Schéma XSD de la CDC introuvable"):
        export_accrochage(rncp_version.certification.owner)
    assert not AccrochageBatch.objects.exists()


def test_official_example_validates_with_the_vendored_xsd():
    from tests.exports import XSD

    accrochage.validate_file(XSD / "cdc_exemple_officiel_kit_v2.0.0.xml")


def test_add_months_clamps_to_month_end():
    assert accrochage.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert accrochage.add_months(date(2025, 1, 31), 3) == date(2025, 4, 30)


def test_the_summary_counts_what_the_next_file_declares_in_one_statement(rncp_version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acquis.referential.models import CertificationVersion

    certifier = rncp_version.certification.owner
    awarded(rncp_version)
    awarded(rncp_version, partial=True)

    def check(expected_declarable: int) -> None:
        with CaptureQueriesContext(connection) as queries:
            summary = accrochage.summary([certifier], today=ON)
        assert len(queries) == 1
        holders = accrochage.pending_holders(certifier, today=ON)
        assert summary.total == len(holders) == 2
        # The same count as the file's own selection and as the holders' reasons.
        assert summary.declarable == accrochage.declarable(certifier).count()
        assert summary.declarable == sum(1 for h in holders if h.reason is None)
        assert summary.declarable == expected_declarable

    check(2)
    # Without the title's registry number the total validation can no longer be declared.
    CertificationVersion.objects.filter(pk=rncp_version.pk).update(registry_number="")
    check(1)
