"""A second certifier runs a second, differently shaped title on the same installation.

The title (tests/data/referentials/cns-mediateur-numerique.yaml): two blocks, sittings that
assess competencies of both blocks, no work placement and no memoir, a VAE oral with its own
criteria, panels of two professionals without a certifier representative, juries of two
external professionals, another sector. A training candidate (total) and a partial one are
carried with the application's own verbs from registration to the signed PV, the issued
documents and `acquis audit verify`; OPS Conseil runs its own title beside it. What the
second certifier's pages and documents show is read back: none of the first title's texts,
codes or numbers.
"""

import io
import json
import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Memoir
from acquis.credentials import badges, issuing
from acquis.credentials.enums import DocumentKind
from acquis.credentials.signing import create_demo_pair
from acquis.evaluations import consolidation, planning
from acquis.evaluations import services as evaluation_services
from acquis.exports import accrochage
from acquis.juries import deliberations, minutes
from acquis.juries.enums import DecisionKind, JuryKind
from acquis.organisations.enums import Role
from acquis.organisations.models import CertifierProfile
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accrochage_settings")]

# What only the built-in title (OPS Conseil) says: none of it may show for the second one.
OPS_ONLY = [
    "OPS Conseil",
    "OPS-",
    "PV-OPS",
    "Bron",
    "insertion",
    "Chargé d'accompagnement",
    "ops-conseil-caci-isp",
    "Représentant employeurs",
    "représentant employeurs",
    "représentant salariés",
    "formateur de l'organisme certificateur",
    "Accueil et information collective",
    "Information collective",
    "mémoire",
    "Mémoire",
    "mise en application professionnelle",
    "les trois membres",
    "RNCPRNCP",
]
OPS_CODES = re.compile(r"\b(?:C[34]\.\d|E1[0-3]|E[3-9]\b|B[34]\b|M[1-7]\b|L\d\b)")


@pytest.fixture
def cns_signing(settings, tmp_path):
    key, cert = tmp_path / "cns-key.pem", tmp_path / "cns-cert.pem"
    create_demo_pair(key, cert, organisation="Coopérative Numérique du Sud")
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = key, cert
    # The environment is the first certifier's (OPS Conseil): the second has its own.
    settings.ACQUIS_SIGNATORY_NAME = "Claire Dumas"
    settings.ACQUIS_SIGNATORY_TITLE = "Directrice de la certification d'OPS Conseil"
    settings.ACQUIS_CERTIFIER_DISPLAY_NAME = "OPS Conseil"
    settings.SITE_URL = "https://acquis.example.fr"
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    return settings


def text_of(pdf: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed poppler tool, bytes on stdin
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = result.stdout.decode().replace("\u2019", "'")
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))


def assert_nothing_of_the_first_title(text: str, where: str) -> None:
    found = [needle for needle in OPS_ONLY if needle in text]
    assert found == [], f"{where} : textes du premier titre {found}"
    codes = sorted(set(OPS_CODES.findall(text)))
    assert codes == [], f"{where} : codes du premier titre {codes}"


# --- the second certifier's people -----------------------------------------------------------


def professionals(certifier, version, count=2):
    """Professionals of digital mediation (the title's sector), proof of experience given:
    they assess the sittings (no certifier representative) and sit on the juries."""
    people = []
    for n, (first, last) in enumerate([("Lina", "Vidal"), ("Marc", "Roux")][:count]):
        user = make_user(f"pro{n}@cns.fr", certifier, Role.JUROR, first_name=first, last_name=last)
        people.append(
            evaluation_services.record_juror(
                user=user,
                certifier=certifier,
                sector="numerique",
                role="médiateur numérique",
                years_experience=4,
                structure="Tiers-lieu La Fabrique",
                proof=factories.pdf_upload("experience.pdf"),
            )
        )
    return people


def sit(version, candidacy, panel, *, not_acquired=(), codes=("S1", "S2")):
    """One session held today: the two sittings S1 and S2 (each assesses a competency of
    both blocks), graded by the two professionals and consolidated."""
    certifier = version.certification.owner
    session = evaluation_services.plan_session(
        certifier=certifier,
        version=version,
        title=f"Session {candidacy.pk}",
        on=timezone.localdate(),
        place="Montpellier",
    )
    for profile in panel:
        evaluation_services.add_panel_member(session, profile)
    times = {"S1": ("09:00", 60), "S2": ("10:30", 90), "V1": ("14:00", 45)}
    slots = [
        ef.slot(session, candidacy, code=code, hhmm=times[code][0], minutes=times[code][1])
        for code in codes
    ]
    evaluation_services.confirm_panel(session)
    planning.open_session(session, today=session.date)
    for slot in slots:
        slot.refresh_from_db()
        cf.submit_all(slot, not_acquired)
        consolidation.consolidate(slot, marks=cf.proposed_marks(slot), actor=None)
    return session


@pytest.fixture
def world(certifier, cns_version, ops_version, cns_signing):
    cns = cns_version.certification.owner
    assert certifier.pk < cns.pk  # OPS Conseil is the installation's first certifier
    CertifierProfile.objects.create(
        certifier=cns,
        signatory_name="Inès Garrigue",
        signatory_title="Présidente de la coopérative",
        cdc_client_id="C0NS0001",
        cdc_contract_id="CNS-2026-01",
    )
    # Its own signing keys (the installation's are OPS Conseil's, the first certifier's).
    call_command("credentials_key", certifier=cns.siret, stdout=StringIO())
    call_command("credentials", "keygen", "--certifier", cns.siret, stdout=StringIO())
    panel = professionals(cns, cns_version)
    staff = make_user("responsable@cns.fr", cns, Role.EXAM_MANAGER)
    total = factories.candidacy(cns_version, started=True)
    partial = factories.candidacy(cns_version, started=True)
    sit(cns_version, total, panel)
    # C2.2 not shown: B1 is acquired (C1.1 in S2, C1.2 in S1), B2 is not.
    sit(cns_version, partial, panel, not_acquired=("C2.2.1",))
    # VAE: admissible, validation file complete, then the oral on its own criteria before
    # the two professionals who will sit on the VAE jury.
    vae = factories.candidacy(cns_version, vae=True, admissible=True, file_complete=True)
    sit(cns_version, vae, panel, codes=("V1",))
    for candidacy in (total, partial):
        candidate_services.move_candidacy(candidacy, CandidacyStatus.AWAITING_JURY, actor=staff)
        candidacy.refresh_from_db()
    vae.refresh_from_db()
    assert vae.status == CandidacyStatus.AWAITING_JURY  # the validation file declared complete
    return {
        "cns": cns,
        "version": cns_version,
        "ops_version": ops_version,
        "panel": panel,
        "staff": staff,
        "total": total,
        "partial": partial,
        "vae": vae,
    }


def jury(world, candidacies, kind=JuryKind.CERTIFICATION):
    """The jury of the title: two external professionals (its own role)."""
    deliberation = deliberations.prepare(
        world["cns"],
        world["version"],
        kind=kind,
        title="Jury de certification" if kind == JuryKind.CERTIFICATION else "Jury VAE",
        on=timezone.localdate(),
        place="Montpellier",
        actor=world["staff"],
    )
    for profile in world["panel"]:
        deliberations.add_member(
            deliberation,
            profile.user,
            role="professional",
            external=True,
            organisation="Tiers-lieu La Fabrique",
            actor=world["staff"],
        )
    deliberations.add_candidates(deliberation, candidacies, actor=world["staff"])
    deliberations.open_deliberation(deliberation, actor=world["staff"])
    deliberation.refresh_from_db()
    return deliberation


# --- the chain ---------------------------------------------------------------------------------


def test_a_second_title_from_registration_to_signed_pv_and_documents(world, client):
    total, partial = world["total"], world["partial"]
    assert total.version.has_work_placement is False and total.version.has_memoir is False
    deliberation = jury(world, [total, partial])
    proposals = {}
    for candidacy in (total, partial):
        decision = jf.decide_as_proposed(deliberation, candidacy)
        proposals[candidacy.pk] = decision
    assert proposals[total.pk].kind == DecisionKind.TOTAL and proposals[total.pk].title_awarded
    assert proposals[partial.pk].kind == DecisionKind.PARTIAL
    assert {b.block.code: b.validated for b in proposals[partial.pk].blocks.all()} == {
        "B1": True,
        "B2": False,
    }

    # The jury member's PV page says how many members sign: two.
    member = world["panel"][0].user
    pv = minutes.close_deliberation(deliberation, actor=member)
    year = deliberation.date.year
    assert pv.number == f"PV-CND-{year}-0001"
    assert pv.content["certification"]["registry"] == "RNCP99871"
    client.login(email=member.email, password=PASSWORD)
    page = client.get(reverse("jury:minutes", args=[deliberation.pk])).content.decode()
    assert "signé par les deux membres du jury" in page
    assert "Professionnel de la médiation numérique" in page
    assert_nothing_of_the_first_title(page, "PV (page du jury)")
    client.logout()
    for user in jf.member_users(deliberation):
        minutes.sign(pv, user, password=PASSWORD, actor=user)
    deliberation.refresh_from_db()
    total.refresh_from_db()
    assert total.status == CandidacyStatus.DECIDED

    # Documents: the PV, a certificate, a block attestation, two letters.
    report = issuing.issue_for_deliberation(deliberation, actor=world["staff"])
    kinds = sorted(document.kind for document in report.issued)
    assert kinds == sorted(
        [
            DocumentKind.MINUTES,
            DocumentKind.CERTIFICATE,
            DocumentKind.BLOCK_ATTESTATION,
            DocumentKind.DECISION_LETTER,
            DocumentKind.DECISION_LETTER,
        ]
    )
    numbered = sorted(
        d.number
        for d in report.issued
        if d.kind in (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION)
    )
    assert numbered == [f"CND-{year}-000001", f"CND-{year}-000002"]
    for document in report.issued:
        pdf = document.file.read()
        document.file.close()
        text = text_of(pdf)
        assert "Médiateur numérique en tiers-lieux" in text, document.kind
        assert "Coopérative Numérique du Sud" in text, document.kind
        if document.kind != DocumentKind.MINUTES:
            assert "Inès Garrigue" in text and "Claire Dumas" not in text, document.kind
        assert_nothing_of_the_first_title(text, document.get_kind_display())
        if document.kind in (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION):
            assert "RNCP99871" in text
            # The public verification page of the document.
            page = client.get(reverse("public:verify_document", args=[document.verification_code]))
            html = page.content.decode()
            assert page.status_code == 200 and "RNCP99871" in html
            assert_nothing_of_the_first_title(html, "vérification publique")
        if document.kind == DocumentKind.MINUTES:
            assert "Professionnel de la médiation numérique" in text

    # The staff pages of the second certifier.
    client.login(email=world["staff"].email, password=PASSWORD)
    for url in (
        reverse("staff:deliberation", args=[deliberation.pk]),
        reverse("staff:candidacy", args=[total.pk]),
        reverse("staff:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if url != reverse("staff:dashboard"):
            assert_nothing_of_the_first_title(html, url)
    page = client.get(reverse("staff:candidacy", args=[total.pk])).content.decode()
    assert "Mémoire" not in page and "mise en application" not in page

    # The VAE candidate: the oral graded on its own criteria grants the registered blocks
    # (rules.vae.oral_grants), as the referential says: a total validation, no departure.
    vae = world["vae"]
    vae_jury = jury(world, [vae], kind=JuryKind.VAE)
    decision = jf.decide_as_proposed(vae_jury, vae)
    assert decision.kind == DecisionKind.TOTAL and decision.title_awarded
    assert decision.proposed_kind == DecisionKind.TOTAL  # the engine proposed it
    jf.sign_all(vae_jury)
    assert vae_jury.minutes.get().number == f"PV-CND-{year}-0002"
    report = issuing.issue_for_deliberation(vae_jury, actor=world["staff"])
    certificate = next(d for d in report.issued if d.kind == DocumentKind.CERTIFICATE)
    assert certificate.number == f"CND-{year}-000003"
    text = text_of(certificate.file.read())
    certificate.file.close()
    assert_nothing_of_the_first_title(text, "certificat VAE")

    # Badges: the certifier's own name and title, its registry code once.
    credentials = badges.issue_for_decision(proposals[total.pk], actor=world["staff"])
    assert credentials
    for credential in credentials:
        signed = json.dumps(credential.document, ensure_ascii=False)
        assert credential.certifier == world["cns"]
        assert credential.document["issuer"]["name"] == "Coopérative Numérique du Sud"
        assert_nothing_of_the_first_title(signed, "badge")
    title_badge = next(c for c in credentials if c.block is None)
    achievement = title_badge.document["credentialSubject"]["achievement"]
    assert achievement["humanCode"] == "RNCP99871"

    # The CDC declaration of the second certifier: its three holders, its codes, XSD-valid
    # (export_accrochage validates the file before recording the batch).
    result = accrochage.export_accrochage(world["cns"], actor=world["staff"])
    with result.batch.file.open("rb") as handle:
        xml = handle.read().decode()
    assert result.batch.line_count == 3
    assert "RNCP99871" in xml and "RNCP99871BC01" in xml
    assert "<cpf:idClient>C0NS0001</cpf:idClient>" in xml and "CNS-2026-01" in xml
    assert "E564ACB0" not in xml and "2560080000127J" not in xml  # the first certifier's
    assert_nothing_of_the_first_title(xml, "accrochage")
    with pytest.raises(accrochage.AccrochageError):
        accrochage.export_accrochage(world["ops_version"].certification.owner)

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intègre" in out.getvalue()


def test_sections_the_title_does_not_have_are_hidden_and_refused(cns_version, client):
    cns = cns_version.certification.owner
    candidacy = factories.candidacy(cns_version, started=True)
    with pytest.raises(CandidateError, match="ne comporte pas de période de mise en application"):
        candidate_services.record_placement(
            candidacy, host_structure="Tiers-lieu", position="Médiateur", tutor_name="Léo Tuteur"
        )
    with pytest.raises(CandidateError, match="ne comporte pas de mémoire"):
        candidate_services.submit_memoir(candidacy, upload=factories.pdf_upload("m.pdf"))
    with pytest.raises(CandidateError, match="ne comporte pas de mémoire"):
        candidate_services.check_memoir_part(candidacy, part_code="M1", present=True, actor=None)
    assert not candidacy.placements.exists()
    # The candidate's own page, then the staff's.
    user = make_user("candidate@cns.fr", cns, Role.CANDIDATE)
    candidacy.candidate.user = user
    candidacy.candidate.save(update_fields=["user"])
    client.login(email=user.email, password=PASSWORD)
    html = client.get(reverse("candidate:candidacy", args=[candidacy.pk])).content.decode()
    assert "Médiateur numérique en tiers-lieux" in html
    assert "Mémoire" not in html and "mise en application professionnelle" not in html
    page = client.get(reverse("candidate:memoir", args=[candidacy.pk])).content.decode()
    assert "Le mémoire ne concerne pas ce titre" in page and 'type="file"' not in page
    client.logout()
    staff = make_user("admin@cns.fr", cns, Role.ADMIN)
    client.login(email=staff.email, password=PASSWORD)
    html = client.get(reverse("staff:candidacy", args=[candidacy.pk])).content.decode()
    assert "Mémoire" not in html and "mise en application professionnelle" not in html
    response = client.post(
        reverse("staff:candidacy_action", args=[candidacy.pk, "memoire"]),
        {"file": factories.pdf_upload("m.pdf")},
    )
    assert response.status_code in (302, 400)
    assert not Memoir.objects.filter(candidacy=candidacy, document__isnull=False).exists()
    assert not candidacy.placements.exists()


def test_two_certifiers_side_by_side(world, client):
    """PV and document numbers apart; the staff of one never see the other's data."""
    ops_version = world["ops_version"]
    ops_deliberation = jf.decided_and_signed(ops_version, [jf.ready_candidacy(ops_version)])
    cns_deliberation = jury(world, [world["total"]])
    jf.decide_as_proposed(cns_deliberation, world["total"])
    jf.sign_all(cns_deliberation)
    year = cns_deliberation.date.year
    assert ops_deliberation.minutes.get().number == f"PV-OPS-{ops_deliberation.date.year}-0001"
    assert cns_deliberation.minutes.get().number == f"PV-CND-{year}-0001"
    ops = ops_version.certification.owner
    ops_staff = make_user("responsable@ops.fr", ops, Role.EXAM_MANAGER)
    cases = [
        (ops_staff, cns_deliberation, world["total"]),
        (world["staff"], ops_deliberation, ops_deliberation.decisions.get().candidacy),
    ]
    for user, deliberation, candidacy in cases:
        client.login(email=user.email, password=PASSWORD)
        own = client.get(reverse("staff:dashboard")).content.decode()
        for url in (
            reverse("staff:deliberation", args=[deliberation.pk]),
            reverse("staff:candidacy", args=[candidacy.pk]),
            reverse("staff:versions", args=[deliberation.version.certification.code]),
        ):
            assert client.get(url).status_code == 404, (user.email, url)
        assert deliberation.version.title not in own
        client.logout()


def test_the_staff_seat_the_referentials_own_roles(world, client):
    deliberation = deliberations.prepare(
        world["cns"],
        world["version"],
        kind=JuryKind.CERTIFICATION,
        title="Jury de juin",
        on=timezone.localdate(),
        place="Montpellier",
        actor=world["staff"],
    )
    client.login(email=world["staff"].email, password=PASSWORD)
    url = reverse("staff:deliberation", args=[deliberation.pk])
    html = client.get(url).content.decode()
    assert '<option value="professional">Professionnel de la médiation numérique</option>' in html
    assert "employer_representative" not in html
    assert_nothing_of_the_first_title(html, "délibération en préparation")
    user = world["panel"][0].user
    action = reverse("staff:deliberation_action", args=[deliberation.pk, "membre"])
    response = client.post(
        action, {"user": user.pk, "role": "professional", "external": "on", "organisation": ""}
    )
    assert response.status_code == 302
    member = deliberation.members.get()
    assert member.role == "professional"
    html = client.get(url).content.decode()
    assert "Professionnel de la médiation numérique" in html
    # A role of another title is refused beside the field.
    other = world["panel"][1].user
    response = client.post(action, {"user": other.pk, "role": "employer_representative"})
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert deliberation.members.count() == 1


def signer_subject(document) -> str:
    """The subject of the certificate that signed a stored PDF, read by pyHanko."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with document.file.open("rb") as handle:
        reader = PdfFileReader(io.BytesIO(handle.read()))
        return reader.embedded_signatures[0].signer_cert.subject.human_friendly


def test_each_certifier_signs_with_its_own_keys(world, settings):
    """The second certifier's own key files (created by the commands) sign its documents and
    badges; the first, without its own, signs with the installation's."""
    cns, ops_version = world["cns"], world["ops_version"]
    ops = ops_version.certification.owner
    # The installation's pair is named apart, so that its signer is told from the others.
    key, cert = settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT
    key.unlink()
    create_demo_pair(key, cert, organisation="Installation Acquis")
    out = StringIO()
    call_command("credentials_key", certifier=cns.siret, stdout=out)
    call_command("credentials", "keygen", "--certifier", "cooperative-numerique-du-sud", stdout=out)
    assert "certificateur-" in out.getvalue()

    cns_deliberation = jury(world, [world["total"]])
    cns_decision = jf.decide_as_proposed(cns_deliberation, world["total"])
    jf.sign_all(cns_deliberation)
    ops_deliberation = jf.decided_and_signed(ops_version, [jf.ready_candidacy(ops_version)])
    cns_docs = issuing.issue_for_deliberation(cns_deliberation, actor=world["staff"]).issued
    ops_docs = issuing.issue_for_deliberation(ops_deliberation, actor=None).issued
    assert cns_docs and ops_docs
    for document in cns_docs:
        assert "Coopérative Numérique du Sud (démonstration)" in signer_subject(document)
    for document in ops_docs:
        assert "Installation Acquis (démonstration)" in signer_subject(document)

    cns_badges = badges.issue_for_decision(cns_decision, actor=world["staff"])
    ops_badges = badges.issue_for_decision(ops_deliberation.decisions.get(), actor=None)
    own = badges.did_key(badges.own_key(cns).public_key())
    installation = badges.did_key(badges.signing_key().public_key())
    assert own != installation
    assert {c.document["issuer"]["id"] for c in cns_badges} == {own}
    assert {c.document["issuer"]["id"] for c in ops_badges} == {installation}
    for credential in [*cns_badges, *ops_badges]:
        assert badges.verify(credential.document).ok
    # Each proof names its certifier's key; against the other key, a badge fails.
    methods = {c.document["proof"][0]["verificationMethod"].split("#")[0] for c in cns_badges}
    assert methods == {own}
    forged = json.loads(json.dumps(cns_badges[0].document))
    forged["proof"][0]["verificationMethod"] = ops_badges[0].document["proof"][0][
        "verificationMethod"
    ]
    forged["issuer"]["id"] = installation
    assert not badges.verify(forged).ok
    # The issuer profile is the certifier's, and its status list is signed with its key.
    assert badges.issuer_profile(cns)["id"] == own
    assert badges.issuer_profile(ops)["id"] == installation
    from acquis.credentials import status_list

    listed = cns_badges[0].status_list
    assert badges.verify(status_list.status_list_credential(listed)).ok
    assert status_list.status_list_credential(listed)["issuer"] == own
