"""Import of the CDC processing report: lines accepted / rejected, unknown ids refused."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.exports.accrochage import declarable, export_accrochage
from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageLine
from acquis.exports.reports import ReportError, import_report
from tests.exports import NUMBER, awarded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accrochage_settings")]


def _report(ok=(), ko=()):
    kos = "".join(
        f"<passage><idTechnique>{i}</idTechnique><messageErreur>{m}</messageErreur></passage>"
        for i, m in ko
    )
    oks = "".join(f"<idTechnique>{i}</idTechnique>" for i in ok)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rapport xmlns:ns2="urn:cdc:cpf:pc5:rapport:schema">\n'
        "<nomFichier>f.xml</nomFichier><idFlux>x</idFlux><idTraitement>51354</idTraitement>\n"
        f"<PassagesKO>{kos}</PassagesKO>\n<PassagesOK>{oks}</PassagesOK>\n</rapport>"
    ).encode()


@pytest.fixture
def exported(rncp_version):
    total = awarded(rncp_version)
    partial = awarded(rncp_version, partial=True)
    export_accrochage(rncp_version.certification.owner)
    return total, partial


def test_xml_report_accepts_and_rejects_and_rejected_become_declarable(exported):
    total, partial = exported
    block_ids = [f"ACQ-{partial.pk}-{NUMBER}BC0{n}" for n in (1, 2, 4)]
    data = _report(
        ok=[f"ACQ-{total.pk}", *block_ids[:2]],
        ko=[(block_ids[2], "Aucun titulaire ne correspond aux critères obligatoires")],
    )
    result = import_report(data, filename="rapport.xml")
    assert (result.accepted, result.rejected) == (1, 1)
    line = AccrochageLine.objects.get(decision=partial)
    assert line.status == LineStatus.REJECTED
    assert "Aucun titulaire ne correspond" in line.message and block_ids[2] in line.message
    assert AccrochageLine.objects.get(decision=total).status == LineStatus.ACCEPTED
    certifier = total.candidacy.candidate.certifier
    assert list(declarable(certifier)) == [partial]
    assert line.batch.__class__.objects.get().report_imported_at is not None
    assert AuditEvent.objects.filter(verb="accrochage.report_imported").count() == 1


def test_csv_report_case_insensitive_status(exported):
    total, partial = exported
    text = f"idTechnique;statut;message\nACQ-{total.pk};ok;\nACQ-{partial.pk}-{NUMBER}BC01;KO;Nom\n"
    result = import_report(text.encode())
    assert (result.accepted, result.rejected) == (1, 1)


def test_unknown_id_names_the_line_and_writes_nothing(exported):
    total, _ = exported
    data = _report(ok=[f"ACQ-{total.pk}", "ACQ-999999"])
    with pytest.raises(ReportError) as caught:
        import_report(data)
    assert "Ligne 5 : idTechnique « ACQ-999999 » inconnu" in str(caught.value)
    assert not AccrochageLine.objects.exclude(status=LineStatus.EXPORTED).exists()
    assert not AuditEvent.objects.filter(verb="accrochage.report_imported").exists()


def test_malformed_reports_are_refused_in_french(exported):
    with pytest.raises(ReportError, match="XML mal formé"):
        import_report(b"<rapport><PassagesOK>")
    with pytest.raises(ReportError, match="Compte rendu sans passage"):
        import_report(b"<rapport/>")
    with pytest.raises(ReportError, match="Ligne 1 : en-tête"):
        import_report(b"id;etat\nACQ-1;OK\n")
    with pytest.raises(ReportError, match="Ligne 2 : statut « peut-être » inconnu"):
        import_report("idTechnique;statut;message\nACQ-1;peut-être;\n".encode())
