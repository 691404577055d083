"""The choice of a juror or a staff account stays bounded: with 2 jurors the staff picks from
a select, with 200 types the juror's e-mail address; the page runs the same queries and keeps
its size, and the address is looked up among the same choices."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.evaluations.models import JurorProfile, PanelMember
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership, User
from acquis.www.bounded import MAX_OPTIONS
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
MANY = 200


def _grow(certifier, model_profile, count=MANY):
    """`count` more jurors (account, juror role, record) in three INSERTs."""
    users = User.objects.bulk_create(
        User(email=f"jure-{i:03d}@masse.fr", first_name="Jo", last_name=f"Juré{i:03d}")
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=certifier, role=Role.JUROR) for u in users
    )
    fields = [f for f in JurorProfile._meta.concrete_fields if not f.primary_key]
    JurorProfile.objects.bulk_create(
        JurorProfile(
            **{f.attname: getattr(model_profile, f.attname) for f in fields} | {"user_id": u.pk}
        )
        for u in users
    )


def _get(client, url):
    # A first request absorbs the session's once-a-minute "last seen" write (a slow setup
    # on a loaded machine passes the minute), which is not the page's own work.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def _options(html: str, name: str) -> int:
    """How many <option>s the select `name` offers (0 when it is not a select)."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return match.group(1).count("<option") if match else 0


@pytest.fixture
def staff(client, personas):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def test_juror_page_same_queries_and_size_with_2_and_200_jurors(staff, ops_version):
    certifier = ops_version.certification.owner
    first = ef.juror(certifier, ops_version)
    ef.juror(certifier, ops_version)
    url = reverse("staff:jurors")
    few_queries, few = _get(staff, url)
    assert _options(few, "juror") == 3  # the empty choice and the two jurors
    _grow(certifier, first)
    many_queries, many = _get(staff, url)
    assert many_queries == few_queries
    # No list of 200 people: the juror is typed by address, the page stays a page.
    assert _options(many, "juror") == 0 and _options(many, "user") == 0
    assert 'type="email" name="juror"' in many
    assert "jure-150@masse.fr" not in many
    assert len(many) < len(few) + 40_000


def test_beyond_the_limit_a_juror_is_chosen_by_address(staff, ops_version, personas):
    certifier = ops_version.certification.owner
    session = ef.session(ops_version, jurors=[])
    first = ef.juror(certifier, ops_version)
    _grow(certifier, first, count=MAX_OPTIONS + 1)
    url = reverse("staff:session", args=[session.pk])
    assert 'type="email" name="juror"' in staff.get(url).content.decode()
    add = reverse("staff:session_action", args=[session.pk, "membre"])

    refused = staff.post(add, {"juror": "personne@ailleurs.fr"})
    assert refused.status_code == 200
    assert "« personne@ailleurs.fr » : aucun compte de la liste « Membre de jury à ajouter »" in (
        refused.content.decode()
    )
    assert not PanelMember.objects.filter(session=session).exists()

    staff.post(add, {"juror": f"  {first.user.email.upper()} "})
    assert PanelMember.objects.get(session=session).juror == first


def test_a_select_without_an_empty_choice_reads_its_choices_once(ops_version):
    """Django reads a model select's choices twice when it has no empty choice (its
    `required` attribute, then its options), each time by a query; ours keep the rows."""
    from django import forms

    from acquis.referential.models import CertificationVersion
    from acquis.www.bounded import ModelChoiceField

    class Ours(forms.Form):
        version = ModelChoiceField(queryset=CertificationVersion.objects.all(), empty_label=None)

    class Django(forms.Form):
        version = forms.ModelChoiceField(
            queryset=CertificationVersion.objects.all(), empty_label=None
        )

    for form, queries in ((Ours(), 1), (Django(), 2)):
        with CaptureQueriesContext(connection) as ctx:
            html = str(form["version"])
        assert len(ctx) == queries
        assert f'<option value="{ops_version.pk}"' in html
