"""Uploads that could act on the reader's machine are refused, with a French message."""

import io
import zipfile

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acquis.candidates import services
from acquis.candidates.exceptions import CandidateError
from acquis.documents.models import Document
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_with(build) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )


def launch(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))


def attachment(pdf):
    pdf.attachments["x.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ")


def docx(macros: bool) -> bytes:
    out = io.BytesIO()
    kind = "macroEnabled.main+xml" if macros else "main+xml"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override ContentType="application/vnd.ms-word.document.{kind}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf")
    return out.getvalue()


def odt_with_basic() -> bytes:
    out = io.BytesIO(factories.odt_bytes())
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("memoire.pdf", pdf_with(javascript), "JavaScript"),
        ("memoire.pdf", pdf_with(launch), "lance un programme"),
        ("memoire.pdf", pdf_with(attachment), "fichiers incorporés"),
        ("memoire.pdf", factories.MINIMAL_PDF + b"<html><script>x</script></html>", "HTML"),
        ("cv.pdf.exe", factories.MINIMAL_PDF, "double extension"),
        ("memoire.docx", docx(macros=True), "macros"),
        ("memoire.odt", odt_with_basic(), "macros"),
    ],
)
def test_active_content_is_refused(ops_version, name, content, reason):
    candidacy = factories.candidacy(ops_version, started=True)
    before = Document.objects.count()
    with pytest.raises(CandidateError, match=reason):
        services.submit_memoir(candidacy, upload=SimpleUploadedFile(name, content))
    assert Document.objects.count() == before


def test_a_plain_docx_passes(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    memoir = services.submit_memoir(
        candidacy, upload=SimpleUploadedFile("memoire.docx", docx(macros=False))
    )
    assert memoir.document.extension == "docx"


def test_the_quota_of_a_candidacy(ops_version, settings):
    candidacy = factories.candidacy(ops_version, started=True)
    settings.ACQUIS_UPLOAD_QUOTA_BYTES = len(factories.MINIMAL_PDF) + 10
    services.submit_memoir(candidacy, upload=factories.pdf_upload("v1.pdf"))
    with pytest.raises(CandidateError, match="espace de dépôt de la candidature est plein"):
        services.submit_memoir(candidacy, upload=factories.pdf_upload("v2.pdf"))


def test_an_unwritable_media_folder_is_said_in_french(ops_version, settings, tmp_path):
    # A media "folder" below a plain file: unwritable even for root (tests run as root in CI).
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    candidacy = factories.candidacy(ops_version, started=True)
    with pytest.raises(CandidateError, match="accessible en écriture"):
        services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))


def test_a_replaced_upload_stays_downloadable_by_staff(client, personas, ops_version):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    candidacy = factories.candidacy(ops_version, started=True)
    first = services.submit_memoir(candidacy, upload=factories.pdf_upload("v1.pdf")).document
    services.submit_memoir(candidacy, upload=factories.pdf_upload("v2.pdf"))
    url = reverse("documents:download", args=[first.uuid])
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
