"""Staff download the signed PV of a deliberation from its PV page, then a printable grid and
the consolidated result from a slot page; a jury member downloads the same PV (Chromium,
axe-core on each page). The files are checked: pdfsig on the PV, the text of the grid."""

import subprocess

import pytest

from acquis.credentials import issuing
from acquis.evaluations import consolidation
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.browser.conftest import assert_accessible
from tests.browser.test_signing_journey import log_in
from tests.credentials.conftest import signing_pair, signing_settings  # noqa: F401 (fixtures)
from tests.credentials.test_documents import text_of
from tests.juries import factories as jf
from tests.juries.test_minutes import decided

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_settings"),
]


def download(page, link, tmp_path) -> bytes:
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def pdfsig(path) -> str:
    result = subprocess.run(  # noqa: S603 - fixed poppler tool on our own file
        ["pdfsig", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


@pytest.fixture
def arranged(personas, ops_version):
    """Before the browser starts: pyHanko signs in its own event loop (asyncio.run), which
    cannot run inside Playwright's."""
    deliberation, _ = decided(ops_version)
    pv = jf.sign_all(deliberation)
    issuing.issue_for_deliberation(deliberation, actor=personas["responsable_epreuves"])
    candidacy = ef.started_candidacy(ops_version)
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    cf.submit(slot, anne, not_acquired=["C1.1.2"])
    cf.submit(slot, paul)
    consolidation.consolidate(
        slot, marks=cf.proposed_marks(slot, C1_1_2=(False, "Non démontré.")), actor=None
    )
    return deliberation, pv, candidacy, slot, anne


def test_staff_download_the_signed_pv_and_a_printable_grid(
    arranged, page, live_server, personas, tmp_path
):
    deliberation, pv, candidacy, slot, anne = arranged

    # The PV page of the signed deliberation: the signed PDF, checked by pdfsig.
    staff = personas["responsable_epreuves"]
    log_in(page, live_server.url, staff.email, f"/gestion/deliberations/{deliberation.pk}/pv/")
    page.get_by_role("heading", name=f"Procès-verbal n° {pv.number}").wait_for()
    assert_accessible(page)
    link = page.get_by_role("link", name="Télécharger le procès-verbal signé (PDF)")
    pdf = download(page, link, tmp_path)
    assert pdf.startswith(b"%PDF-") and pv.content_hash in text_of(pdf)
    assert "Signature is Valid." in pdfsig(tmp_path / f"{pv.number}.pdf")

    # A slot: each juror's printable grid and the consolidated result.
    page.goto(f"{live_server.url}/gestion/creneaux/{slot.pk}/")
    page.get_by_role("heading", name="Grilles des évaluateurs").wait_for()
    assert_accessible(page)
    grid_link = page.get_by_role("link", name=f"grille imprimable (PDF) de {anne}")
    text = text_of(download(page, grid_link, tmp_path))
    assert "Grille d'évaluation individuelle" in text and anne.user.get_full_name() in text
    assert "C1.1.2" in text and "non acquis" in text
    result_link = page.get_by_role("link", name="Résultat consolidé imprimable (PDF)")
    text = text_of(download(page, result_link, tmp_path))
    assert "Résultat consolidé de l'épreuve" in text and "(divergence)" in text

    # The dossier lists them too; the previews page lists every template.
    page.goto(f"{live_server.url}/gestion/candidatures/{candidacy.pk}/")
    page.get_by_role("heading", name="Grilles d'évaluation imprimables").wait_for()
    assert_accessible(page)
    page.goto(f"{live_server.url}/gestion/documents-delivres/")
    page.get_by_role("link", name="Aperçu : Procès-verbal de délibération").wait_for()
    assert_accessible(page)

    # A member of the jury downloads the same signed PV from the jury portal.
    member = jf.member_users(deliberation)[0]
    log_in(page, live_server.url, member.email, f"/jury/deliberations/{deliberation.pk}/pv/")
    page.locator("#pv-signe").wait_for()
    assert_accessible(page)
    link = page.get_by_role("link", name="Télécharger le procès-verbal signé (PDF)")
    assert download(page, link, tmp_path) == pdf
