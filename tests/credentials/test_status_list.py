"""Bitstring Status List: bit order, GZIP + base64url encoding, locked index allocation."""

import base64
import gzip

import pytest

from acquis.credentials import badges, status_list
from acquis.credentials.models import StatusList
from tests.credentials.test_badges import badge_key  # noqa: F401  (autouse fixture)


def test_index_zero_is_the_left_most_bit():
    bits = bytearray(16384)
    bits[0] = 0x80
    assert status_list.is_set(bytes(bits), 0)
    assert not status_list.is_set(bytes(bits), 1)
    assert not status_list.is_set(bytes(bits), 7)
    with pytest.raises(status_list.StatusListError, match="hors de la liste"):
        status_list.is_set(bytes(bits), 16384 * 8)


def test_encoding_is_multibase_base64url_of_gzip():
    bits = bytes(16384)
    encoded = status_list.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    data = encoded[1:]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    assert gzip.decompress(raw) == bits
    assert status_list.decode(encoded) == bits
    with pytest.raises(status_list.StatusListError, match="préfixe multibase"):
        status_list.decode("z" + data)
    with pytest.raises(status_list.StatusListError, match="illisible"):
        status_list.decode("uAAAA")


@pytest.mark.django_db
def test_indexes_follow_each_other_and_stop_when_full(certifier):
    listed = status_list.lock(certifier)
    assert [status_list.allocate_index(listed) for _ in range(3)] == [0, 1, 2]
    StatusList.objects.filter(certifier=certifier).update(size=3)
    with pytest.raises(status_list.StatusListError) as error:
        status_list.allocate_index(listed)
    assert str(error.value).startswith("Liste de statuts pleine (3 badges) pour OPS Conseil")


@pytest.mark.django_db
def test_the_published_list_is_signed_and_at_least_16_kib(certifier):
    listed = status_list.lock(certifier)
    status_list.allocate_index(listed)
    credential = status_list.status_list_credential(listed)
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = credential["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    assert len(status_list.decode(subject["encodedList"])) * 8 >= 131072
    assert badges.verify(credential).ok
    credential["credentialSubject"]["encodedList"] = status_list.encode(b"\xff" * 16384)
    assert not badges.verify(credential).ok


@pytest.mark.django_db
def test_a_foreign_list_is_not_ours_to_answer():
    foreign = {"credentialStatus": {"statusListCredential": "https://ailleurs.fr/liste"}}
    assert status_list.is_revoked(foreign) is None
