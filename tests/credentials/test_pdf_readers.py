"""Every PDF Acquis produces, as issued or printed, read by poppler and by pikepdf
(tests/pdf_readers.py): the same PDF version (1.7) in the header, the catalog and both
readers' reports, PDF/A-2a in the XMP, an output intent, a structure tree, embedded fonts,
no JavaScript. Signed documents are signed by the real issuing path (pyHanko), whose
incremental update must not raise the version."""

import pytest

from acquis.credentials import grids_pdf, issuing
from acquis.credentials.enums import DocumentKind
from acquis.evaluations import consolidation as c
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.credentials.test_documents import B3_FAILED
from tests.juries import factories as jf
from tests.pdf_readers import assert_pdfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


def test_every_issued_document_is_one_consistent_pdfa_file(ops_version):
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    deliberation = jf.decided_and_signed(ops_version, [total, partial])
    report = issuing.issue_for_deliberation(deliberation, actor=None)
    kinds = sorted(d.kind for d in report.issued)
    assert kinds == sorted(
        [
            DocumentKind.MINUTES,
            DocumentKind.CERTIFICATE,
            DocumentKind.BLOCK_ATTESTATION,
            DocumentKind.DECISION_LETTER,
            DocumentKind.DECISION_LETTER,
        ]
    )
    for document in report.issued:
        with document.file.open("rb") as handle:
            readers = assert_pdfa(handle.read(), signed=True)
        # The signature's extension is the PDF 1.7 one (ESIC), never a PDF 2.0 one.
        assert readers["pikepdf"]["catalog_version"] == "", document


def test_the_printed_grids_are_consistent_pdfa_files(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    grid = cf.submit(slot, anne)
    cf.submit(slot, paul)
    c.consolidate(slot, marks=cf.proposed_marks(slot), competencies={}, actor=anne.user)
    assert_pdfa(grids_pdf.render_juror_grid(grid), signed=False)
    assert_pdfa(grids_pdf.render_consolidated(slot), signed=False)
