"""One naming rule (acquis.candidates.names): « LEFÈVRE Julie (née MARCHAND) », the same on
lists, documents, badges, letters, e-mails and the national declaration's report."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from acquis.candidates.models import Candidate
from acquis.candidates.names import display_name, name_order, used_name
from acquis.credentials import badges, documents
from acquis.credentials.verification import masked_name
from acquis.exports.accrochage import holder_label
from tests import factories
from tests.conftest import PASSWORD


def person(**kw):
    data = {"birth_name": "Marchand", "usage_name": "", "first_name": "Julie", "sex": "F"}
    data |= {"first_name_2": "", "first_name_3": ""} | kw
    return SimpleNamespace(**data)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, "MARCHAND Julie"),
        ({"usage_name": "Lefèvre"}, "LEFÈVRE Julie (née MARCHAND)"),
        (
            {"usage_name": "Lefèvre", "sex": "M", "first_name": "Jules"},
            "LEFÈVRE Jules (né MARCHAND)",
        ),
        ({"usage_name": "Lefèvre", "sex": ""}, "LEFÈVRE Julie (né(e) MARCHAND)"),
        ({"usage_name": "MARCHAND"}, "MARCHAND Julie"),  # the same name: no mention
        ({"usage_name": "Marchând "}, "MARCHÂND Julie"),  # accents and case do not differ
    ],
)
def test_the_rule(kw, expected):
    assert display_name(person(**kw)) == expected


def test_documents_of_civil_status_give_every_first_name():
    julie = person(usage_name="Lefèvre", first_name_2="Anne", first_name_3="Marie")
    assert display_name(julie, all_first_names=True) == "LEFÈVRE Julie Anne Marie (née MARCHAND)"
    assert used_name(julie) == "LEFÈVRE"


@pytest.mark.django_db
def test_every_place_names_her_the_same_way(certifier, ops_version):
    julie = factories.candidate(
        certifier, birth_name="Marchand", usage_name="Lefèvre", first_name="Julie", sex="F"
    )
    expected = "LEFÈVRE Julie (née MARCHAND)"
    assert julie.full_name == expected
    assert badges.holder_name(julie) == expected
    assert documents._holder_data(julie)["name"] == expected
    row = {f"candidacy__candidate__{k}": getattr(julie, k) for k in ("birth_name", "usage_name")}
    row |= {"candidacy__candidate__first_name": "Julie", "candidacy__candidate__sex": "F"}
    assert holder_label(row) == expected
    assert masked_name(julie) == "J**** L******"  # the public page: the used name, masked


@pytest.mark.django_db
def test_lists_sort_on_the_name_shown(client, personas, certifier, ops_version):
    factories.candidacy(ops_version, person=factories.candidate(certifier, birth_name="Bertin"))
    lefevre = factories.candidate(
        certifier, birth_name="Zola", usage_name="Adam", first_name="Julie", sex="F"
    )
    factories.candidacy(ops_version, person=lefevre)
    ordered = Candidate.objects.order_by(*name_order()).values_list("birth_name", flat=True)
    assert list(ordered) == ["Zola", "Bertin"]  # ADAM before BERTIN
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    html = client.get(reverse("staff:candidacies")).content.decode()
    assert html.index("ADAM Julie (née ZOLA)") < html.index("BERTIN")
