"""Files in an S3-compatible bucket (ACQUIS_STORAGE=s3, django-storages), against a local S3
server started here (moto's server mode, loopback only): uploads and issued PDFs go to the
bucket, nothing to MEDIA_ROOT; downloads are streamed through the same permission-checked
views; the readiness probe writes and reads the bucket, and says so when it cannot."""

import hashlib

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from acquis.candidates import services
from acquis.credentials import batches
from acquis.ops import health
from tests import factories
from tests.conftest import PASSWORD
from tests.credentials.batch_helpers import keys, signed_deliberation
from tests.ops.helpers import free_port

pytestmark = pytest.mark.django_db
BUCKET = "acquis-fichiers"
CREDENTIALS = {"aws_access_key_id": "essai", "aws_secret_access_key": "essai-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-3", **CREDENTIALS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    yield endpoint, client
    server.stop()


def s3_storage(endpoint: str, bucket: str = BUCKET) -> dict:
    """What config.settings.base builds from ACQUIS_STORAGE=s3 and the ACQUIS_S3_* variables."""
    from config.settings import base

    env = {
        "ACQUIS_STORAGE": "s3",
        "ACQUIS_S3_BUCKET": bucket,
        "ACQUIS_S3_ENDPOINT_URL": endpoint,
        "ACQUIS_S3_REGION": "eu-west-3",
        "ACQUIS_S3_ACCESS_KEY": CREDENTIALS["aws_access_key_id"],
        "ACQUIS_S3_SECRET_KEY": CREDENTIALS["aws_secret_access_key"],
        "ACQUIS_S3_PREFIX": "acquis",
        "ACQUIS_S3_ADDRESSING_STYLE": "path",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return base._default_storage()


@pytest.fixture
def bucket(s3_endpoint, settings):
    endpoint, client = s3_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(endpoint)}
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def objects(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_goes_to_the_bucket_and_comes_back_through_the_checked_view(
    client, personas, ops_version, bucket, settings
):
    candidacy = factories.candidacy(ops_version, started=True)
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("mon-memoire.pdf"))
    name = memoir.document.file.name
    assert objects(bucket) == [f"acquis/{name}"]
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))
    stored = bucket.get_object(Bucket=BUCKET, Key=f"acquis/{name}")["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == memoir.document.sha256

    url = reverse("documents:download", args=[memoir.document.uuid])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == stored  # streamed by Django, no bucket URL
    client.logout()
    client.login(email=personas["jure"].email, password=PASSWORD)
    assert client.get(url).status_code == 404
    client.logout()
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(url).status_code == 404


def test_an_issued_certificate_is_signed_into_the_bucket(
    client, personas, ops_version, bucket, settings, tmp_path
):
    keys(settings, tmp_path)
    deliberation = signed_deliberation(ops_version, 1)
    batch = batches.request_batch(deliberation, actor=None, enqueue=False)
    assert batches.run(batch.pk).documents_issued == 3  # the PV, the certificate, the letter
    certificate = deliberation.decisions.get().issued_documents.get(kind="certificate")
    key = f"acquis/{certificate.file.name}"
    assert key in objects(bucket)
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == certificate.sha256
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    response = client.get(reverse("staff:issued_document", args=[certificate.pk]))
    assert b"".join(response.streaming_content) == body


def test_readiness_writes_and_reads_the_bucket_and_says_when_it_cannot(
    s3_endpoint, settings, bucket
):
    check = health.storage()
    assert check.ok, check
    assert objects(bucket) == []  # the probe's file is removed
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(s3_endpoint[0], bucket="compartiment-absent"),
    }
    check = health.storage()
    assert not check.ok and check.message.startswith("Stockage des fichiers inutilisable")
    assert "ACQUIS_S3_*" in check.message
