"""TOTP second factor: enrolment at first login, code after the password, recovery codes,
the PV signature, reset by an administrator."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from acquis.audit.models import AuditEvent
from acquis.security import twofactor
from tests import twofactor as helper
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def test_staff_enrol_at_first_login_then_get_recovery_codes(client, personas):
    admin = personas["administrateur"]
    log_in(client, admin)
    response = client.get(reverse("staff:candidacies"))
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response.url).content.decode()
    secret = re.search(r'id="cle-secrete">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    done = client.post(reverse("accounts:two_factor_setup"), {"code": helper.code_from_key(key)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("staff:candidacies")).status_code == 200
    assert AuditEvent.objects.filter(verb="security.2fa_enrolled", object_id=str(admin.pk))


def test_an_enrolled_person_gives_a_code_and_a_recovery_code_works_once(client, personas):
    manager = personas["responsable_epreuves"]
    helper.enrol(manager)
    codes = twofactor._new_recovery_codes(manager)
    log_in(client, manager)
    assert client.get(reverse("staff:candidacies")).url.startswith(
        reverse("accounts:two_factor_verify")
    )
    bad = client.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
    assert "Code incorrect" in bad.content.decode()
    assert client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("staff:candidacies")).status_code == 200
    client.logout()
    log_in(client, manager)
    again = client.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert again.status_code == 400  # used up
    assert (
        client.post(
            reverse("accounts:two_factor_verify"), {"code": helper.code_for(manager)}
        ).status_code
        == 302
    )


def test_others_may_go_without_and_turn_it_on_or_off(client, personas):
    candidate = personas["candidat"]
    log_in(client, candidate)
    assert client.get(reverse("accounts:account_security")).status_code == 200  # not asked
    helper.enrol(candidate)
    client.login(email=candidate.email, password=PASSWORD)  # verified (tests/conftest.py)
    client.post(reverse("accounts:account_security"), {"action": "disable"})
    assert not TOTPDevice.objects.filter(user=candidate).exists()
    staff = personas["administrateur"]
    helper.enrol(staff)
    with pytest.raises(twofactor.TwoFactorError, match="obligatoire"):
        twofactor.disable(staff)


def test_an_administrator_resets_a_factor_and_it_is_audited(personas):
    juror = personas["responsable_epreuves"]
    helper.enrol(juror)
    twofactor.reset(juror, actor=personas["administrateur"])
    assert not twofactor.is_enrolled(juror)
    event = AuditEvent.objects.get(verb="security.2fa_reset")
    assert event.actor == personas["administrateur"]


def test_a_wrong_code_at_the_pv_signature_refuses_it(client, ops_version):
    from acquis.juries import minutes
    from acquis.juries.models import MinutesSignature
    from tests.juries import factories as jf
    from tests.juries.test_minutes import decided

    deliberation, _ = decided(ops_version)
    minutes.close_deliberation(deliberation, actor=None)
    member = jf.member_users(deliberation)[0]
    client.login(email=member.email, password=PASSWORD)
    url = reverse("jury:minutes", args=[deliberation.pk])
    refused = client.post(url, {"action": "sign", "password": PASSWORD, "code": "000000"})
    assert refused.status_code == 400 and "Code incorrect" in refused.content.decode()
    assert not MinutesSignature.objects.exists()
    assert AuditEvent.objects.filter(verb="security.2fa_failed").exists()  # kept: not rolled back


def test_logins_are_audited(client, personas):
    log_in(client, personas["candidat"])
    client.post(reverse("accounts:login"), {"username": "candidat@test.fr", "password": "faux"})
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"security.login", "security.login_failed"} <= verbs
