"""Candidate dossiers through their verbs: identity, candidacy life, training and VAE items."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.enums import (
    CANDIDACY_TRANSITIONS,
    AccessMode,
    AdmissibilityDecision,
    CandidacyStatus,
    Pathway,
    ValidationFileDecision,
)
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.identity import validate_identity
from acquis.candidates.models import Candidacy, Candidate
from acquis.documents.models import Document
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation
from tests import factories

S = CandidacyStatus
pytestmark = pytest.mark.django_db


# --- identity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"birth_name": ""}, "birth_name", "obligatoire"),
        ({"sex": "X"}, "sex", "M ou F"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date", "passée"),
        ({"birth_date": date(1850, 1, 1)}, "birth_date", "1900"),
        ({"birth_insee_code": "6912"}, "birth_insee_code", "5 caractères"),
        ({"birth_insee_code": "", "birth_country": ""}, "birth_insee_code", "pays de naissance"),
        ({"first_name_3": "Zoé"}, "first_name_3", "deuxième prénom"),
        ({"birth_name": "D" * 61}, "birth_name", "60 caractères"),
        ({"first_name": "J3an"}, "first_name", "lettres"),
    ],
)
def test_identity_errors_name_the_field(change, field, fragment):
    errors = validate_identity(factories.identity(**change), today=date(2026, 11, 29))
    assert fragment in errors[field]


def test_valid_identities_corsica_and_abroad():
    assert validate_identity(factories.identity(birth_insee_code="2A004")) == {}
    abroad = factories.identity(birth_insee_code="99109", birth_country="Allemagne")
    assert validate_identity(abroad) == {}
    assert validate_identity(factories.identity(birth_insee_code="", birth_country="Maroc")) == {}


def test_duplicates_are_refused_whatever_the_accents_and_case(certifier):
    factories.candidate(
        certifier, birth_name="Lefèvre", first_name="Hélène", birth_date=date(1985, 3, 2)
    )
    with pytest.raises(CandidateError, match="Doublon"):
        factories.candidate(
            certifier, birth_name="LEFEVRE", first_name="helene", birth_date=date(1985, 3, 2)
        )
    assert Candidate.objects.count() == 1


def test_same_person_may_exist_at_two_certifiers(certifier, other_certifier):
    data = {"birth_name": "Martin", "first_name": "Léa", "birth_date": date(1991, 5, 5)}
    factories.candidate(certifier, **data)
    factories.candidate(other_certifier, **data)
    assert Candidate.objects.count() == 2


def test_invalid_identity_writes_nothing(certifier):
    with pytest.raises(CandidateError) as exc:
        services.create_candidate(certifier=certifier, data={"birth_name": "Seul"})
    assert set(exc.value.field_messages()) >= {"first_name", "sex", "birth_date"}
    assert not Candidate.objects.exists()
    assert not AuditEvent.objects.filter(verb="candidate.created").exists()


def test_update_records_what_changed(certifier):
    person = factories.candidate(certifier, usage_name="")
    services.update_candidate(person, data={"usage_name": "Dupont"})
    event = AuditEvent.objects.get(verb="candidate.updated")
    assert event.payload["changed"]["usage_name"] == ["", "Dupont"]


def test_database_refuses_a_candidate_without_birth_place(certifier):
    with pytest.raises(IntegrityError):
        Candidate.objects.create(
            certifier=certifier,
            birth_name="A",
            first_name="B",
            sex="F",
            birth_date=date(1990, 1, 1),
            identity_key="x",
        )


# --- registration ------------------------------------------------------------------------


def test_whole_title_takes_the_required_blocks(ops_version):
    candidacy = factories.candidacy(ops_version)
    assert [b.code for b in candidacy.blocks.order_by("position")] == ["B1", "B2", "B3", "B4"]
    assert candidacy.whole_title
    assert ops_version.is_in_use()  # the version is now frozen for good


def test_some_blocks_only(ops_version):
    candidacy = factories.candidacy(ops_version, blocks=["B2", "B4"])
    assert not candidacy.whole_title
    assert sorted(b.code for b in candidacy.blocks.all()) == ["B2", "B4"]
    with pytest.raises(CandidateError, match="inconnu"):
        factories.candidacy(ops_version, blocks=["B9"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"pathway": Pathway.TRAINING, "access_mode": AccessMode.VAE}, "access_mode"),
        ({"pathway": Pathway.TRAINING, "access_mode": ""}, "access_mode"),
        ({"pathway": Pathway.VAE, "vae_route": ""}, "vae_route"),
        ({"pathway": "autre"}, "pathway"),
    ],
)
def test_pathway_and_access_mode_must_agree(ops_version, certifier, kwargs, field):
    person = factories.candidate(certifier)
    with pytest.raises(CandidateError) as exc:
        services.register_candidacy(candidate=person, version=ops_version, **kwargs)
    assert field in exc.value.field_messages()


def test_one_active_candidacy_per_certification(ops_version, certifier):
    first = factories.candidacy(ops_version)
    with pytest.raises(CandidateError) as exc:
        factories.candidacy(ops_version, person=first.candidate)
    assert "candidate" in exc.value.field_messages()
    services.move_candidacy(first, S.WITHDRAWN, reason="Déménagement")
    assert factories.candidacy(ops_version, person=first.candidate).status == S.REGISTERED


def test_partner_must_be_habilitated_to_prepare(ops_version, certifier, other_certifier):
    organiser = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Orga",
        certifier=certifier,
        habilitation=Habilitation.ORGANISE,
    )
    foreign = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Autre",
        certifier=other_certifier,
        habilitation=Habilitation.BOTH,
    )
    for partner, fragment in ((organiser, "habilité"), (foreign, "pas un partenaire")):
        with pytest.raises(CandidateError) as exc:
            factories.candidacy(ops_version, partner=partner)
        assert fragment in exc.value.problem_for("partner")


def test_cohort_gives_the_memoir_deadline(ops_version, certifier):
    cohort = services.create_cohort(
        certifier=certifier,
        version=ops_version,
        name="Promo 2026",
        memoir_deadline=date(2026, 6, 30),
    )
    assert factories.candidacy(ops_version, cohort=cohort).memoir_deadline == date(2026, 6, 30)
    with pytest.raises(CandidateError, match="déjà"):
        services.create_cohort(certifier=certifier, version=ops_version, name="Promo 2026")


# --- state machine -----------------------------------------------------------------------


def test_training_life_and_its_audit_trail(ops_version):
    candidacy = factories.candidacy(ops_version, blocks=["B1"])  # no title: no prerequisite
    moves = [to for to, _, _ in services.allowed_moves(candidacy)]
    assert S.IN_PROGRESS in moves and S.ADMISSIBILITY_PENDING not in moves
    services.move_candidacy(candidacy, S.IN_PROGRESS)
    services.move_candidacy(candidacy, S.AWAITING_JURY)
    candidacy.refresh_from_db()
    assert candidacy.status == S.AWAITING_JURY
    events = AuditEvent.objects.for_object(candidacy).values_list("verb", "from_state", "to_state")
    assert list(events) == [
        ("candidacy.registered", "", "registered"),
        ("candidacy.start", "registered", "in_progress"),
        ("candidacy.send_to_jury", "in_progress", "awaiting_jury"),
    ]


def test_illegal_moves_are_refused(ops_version):
    candidacy = factories.candidacy(ops_version)
    with pytest.raises(CandidateError, match="pas possible"):
        services.move_candidacy(candidacy, S.AWAITING_JURY)
    with pytest.raises(CandidateError, match="pas possible"):
        services.move_candidacy(candidacy, S.DECIDED)  # only the jury decides
    with pytest.raises(CandidateError, match="motif"):
        services.move_candidacy(candidacy, S.ABANDONED)
    vae = factories.candidacy(ops_version, vae=True)
    with pytest.raises(CandidateError, match="pas possible|impossible"):
        services.move_candidacy(vae, S.IN_PROGRESS)  # VAE goes through admissibility


def test_every_transition_targets_a_known_state():
    for (frm, to), (_verb, pathways, label) in CANDIDACY_TRANSITIONS.items():
        assert frm in S.values and to in S.values and label and pathways


# --- VAE ----------------------------------------------------------------------------------


def test_vae_admissibility_then_validation_file(ops_version, personas):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, vae=True)
    request = services.request_admissibility(candidacy, upload=factories.pdf_upload())
    with pytest.raises(CandidateError, match="motif"):
        services.decide_admissibility(
            request, decision=AdmissibilityDecision.INCOMPLETE, actor=manager
        )
    services.decide_admissibility(
        request,
        decision=AdmissibilityDecision.INCOMPLETE,
        reason="Attestations d'emploi manquantes",
        actor=manager,
    )
    candidacy.refresh_from_db()
    assert candidacy.status == S.ADMISSIBILITY_INCOMPLETE
    with pytest.raises(CandidateError, match="déjà été tranchée"):
        services.decide_admissibility(request, decision="admissible", actor=manager)
    second = services.request_admissibility(candidacy, upload=factories.pdf_upload())
    services.decide_admissibility(second, decision=AdmissibilityDecision.ADMISSIBLE, actor=manager)
    vfile = services.submit_validation_file(candidacy, upload=factories.pdf_upload("dossier.pdf"))
    services.decide_validation_file(
        vfile,
        decision=ValidationFileDecision.INCOMPLETE,
        reason="Activité 3 non décrite",
        actor=manager,
    )
    candidacy.refresh_from_db()
    assert candidacy.status == S.IN_PROGRESS
    vfile = services.submit_validation_file(candidacy, upload=factories.pdf_upload("v2.pdf"))
    services.decide_validation_file(vfile, decision=ValidationFileDecision.COMPLETE, actor=manager)
    candidacy.refresh_from_db()
    assert candidacy.status == S.AWAITING_JURY
    assert candidacy.admissibility_requests.count() == 2  # history kept
    assert candidacy.validation_files.count() == 2


def test_the_pending_request_and_file_are_the_latest_undecided(ops_version, personas):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, vae=True)
    with pytest.raises(CandidateError, match="Aucune demande de recevabilité en attente"):
        services.pending_admissibility_request(candidacy)
    first = services.request_admissibility(candidacy, upload=factories.pdf_upload())
    assert services.pending_admissibility_request(candidacy) == first
    services.decide_admissibility(
        first, decision=AdmissibilityDecision.INCOMPLETE, reason="Pièces", actor=manager
    )
    with pytest.raises(CandidateError, match="Aucune demande"):
        services.pending_admissibility_request(candidacy)  # the decided one is not pending
    second = services.request_admissibility(candidacy, upload=factories.pdf_upload())
    assert services.pending_admissibility_request(candidacy) == second
    services.decide_admissibility(second, decision=AdmissibilityDecision.ADMISSIBLE, actor=manager)
    with pytest.raises(CandidateError, match="Aucun dossier de validation en attente"):
        services.pending_validation_file(candidacy)
    vfile = services.submit_validation_file(candidacy, upload=factories.pdf_upload("v.pdf"))
    assert services.pending_validation_file(candidacy) == vfile


def test_not_admissible_then_a_new_request(ops_version, personas):
    candidacy = factories.candidacy(ops_version, vae=True)
    request = services.request_admissibility(candidacy)
    services.decide_admissibility(
        request, decision="not_admissible", reason="Moins d'un an", actor=personas["administrateur"]
    )
    candidacy.refresh_from_db()
    assert candidacy.status == S.NOT_ADMISSIBLE
    services.request_admissibility(candidacy)
    candidacy.refresh_from_db()
    assert candidacy.status == S.ADMISSIBILITY_PENDING


def test_training_candidacy_cannot_take_vae_steps(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    with pytest.raises(CandidateError):
        services.request_admissibility(candidacy)
    with pytest.raises(CandidateError):
        services.submit_validation_file(candidacy, upload=factories.pdf_upload())


# --- uploads -------------------------------------------------------------------------------


def test_uploads_are_checked_by_content_not_name(ops_version):
    candidacy = factories.candidacy(ops_version, vae=True, admissible=True)
    documents = Document.objects.count()
    fake = SimpleUploadedFile("dossier.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(CandidateError, match="PDF, DOCX et ODT"):
        services.submit_validation_file(candidacy, upload=fake)
    assert Document.objects.count() == documents
    candidacy.refresh_from_db()
    assert candidacy.status == S.IN_PROGRESS  # nothing moved
    odt = SimpleUploadedFile("dossier.txt", factories.odt_bytes())
    vfile = services.submit_validation_file(candidacy, upload=odt)
    assert vfile.document.extension == "odt"
    assert len(vfile.document.sha256) == 64
    assert not vfile.document.file.name.endswith("dossier.txt")


def test_upload_size_limit(ops_version, settings):
    candidacy = factories.candidacy(ops_version, vae=True, admissible=True)
    settings.ACQUIS_UPLOAD_MAX_BYTES = 150
    big = factories.pdf_upload(content=factories.MINIMAL_PDF + b"0" * 200)
    with pytest.raises(CandidateError, match="limite"):
        services.submit_validation_file(candidacy, upload=big)


# --- training path --------------------------------------------------------------------------


def test_work_placement_days_against_the_29_required(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    placement = services.record_placement(
        candidacy,
        host_structure="Mission locale",
        position="Chargée d'accueil",
        tutor_name="M. Roux",
    )
    services.add_placement_period(
        placement, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 27), days_worked=20
    )
    summary = services.placement_summary(candidacy)
    assert summary == {"days": 20, "required": 29, "met": False, "missing": 9}
    with pytest.raises(CandidateError, match="chevauche"):
        services.add_placement_period(
            placement, starts_on=date(2026, 3, 20), ends_on=date(2026, 4, 3), days_worked=5
        )
    with pytest.raises(CandidateError, match="entre 1 et 5"):
        services.add_placement_period(
            placement, starts_on=date(2026, 4, 6), ends_on=date(2026, 4, 10), days_worked=6
        )
    services.add_placement_period(
        placement, starts_on=date(2026, 4, 6), ends_on=date(2026, 4, 24), days_worked=9
    )
    assert services.placement_summary(candidacy)["met"] is True
    services.attach_placement_attestation(placement, upload=factories.pdf_upload())
    placement.refresh_from_db()
    assert placement.attestation.kind == "work_placement_attestation"


def test_placement_and_memoir_are_for_every_pathway_but_vae(ops_version):
    candidacy = factories.candidacy(ops_version, vae=True)
    with pytest.raises(CandidateError, match="ne concernent pas la voie VAE"):
        services.record_placement(candidacy, host_structure="x", position="y", tutor_name="z")
    # A free candidate does the 29 days and the memoir, as the source asks of everyone.
    free = factories.candidacy(ops_version, free=True, started=True)
    assert free.required_placement_days() == 29 and free.placement_and_memoir_required()
    placement = services.record_placement(free, host_structure="x", position="y", tutor_name="z")
    services.add_placement_period(
        placement, starts_on=date(2026, 1, 5), ends_on=date(2026, 2, 27), days_worked=29
    )
    assert services.placement_summary(free) == {
        "days": 29,
        "required": 29,
        "met": True,
        "missing": 0,
    }
    services.submit_memoir(free, upload=factories.pdf_upload("memoire.pdf"))


def test_a_referential_may_exempt_free_candidates(ops_version):
    free = factories.candidacy(ops_version, free=True, started=True)
    rules = free.version.rules
    # The rule parameter, in memory (a copy: the fixture's version is left untouched).
    free.version.rules = rules | {"training": rules["training"] | {"required_for": ["training"]}}
    assert not free.placement_and_memoir_required()
    assert free.required_placement_days() is None


def test_memoir_parts_checklist_and_readiness(ops_version, personas):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, started=True)
    with pytest.raises(CandidateError, match="pas encore été déposé"):
        services.confirm_memoir_part(candidacy, part_code="M1", actor=manager)
    services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    for code in ["M1", "M2", "M3", "M4", "M5", "M6"]:
        services.confirm_memoir_part(candidacy, part_code=code, actor=manager)
    summary = services.memoir_summary(candidacy)
    assert summary["missing"] == ["M7"] and not summary["ready_for_oral"]
    with pytest.raises(CandidateError, match="déjà confirmée"):
        services.confirm_memoir_part(candidacy, part_code="M1", actor=manager)
    with pytest.raises(CandidateError, match="inconnue"):
        services.confirm_memoir_part(candidacy, part_code="M9", actor=manager)
    services.confirm_memoir_part(candidacy, part_code="M7", actor=manager)
    assert services.memoir_summary(candidacy)["ready_for_oral"]


def test_memoir_deadline_shows_lateness(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    Candidacy.objects.filter(pk=candidacy.pk).update(memoir_deadline=date(2020, 1, 1))
    candidacy.refresh_from_db()
    assert services.memoir_summary(candidacy)["late"]
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload())
    assert AuditEvent.objects.for_object(memoir).get().payload["late"] is True


# --- accommodations ---------------------------------------------------------------------------


def test_accommodations_are_measures(ops_version):
    candidacy = factories.candidacy(ops_version)
    with pytest.raises(CandidateError, match="minutes"):
        services.add_accommodation(candidacy, kind="extra_time")
    extra = services.add_accommodation(candidacy, kind="extra_time", extra_minutes=20)
    assert str(extra) == "Temps supplémentaire : 20 min"
    room = services.add_accommodation(candidacy, kind="accessible_room", extra_minutes=15)
    assert room.extra_minutes is None
    with pytest.raises(CandidateError, match="Décrivez"):
        services.add_accommodation(candidacy, kind="other")
    services.withdraw_accommodation(room)
    with pytest.raises(CandidateError, match="déjà retiré"):
        services.withdraw_accommodation(room)


def test_no_field_asks_for_medical_data():
    from acquis.candidates.models import Accommodation

    names = " ".join(
        f.name + " " + str(f.verbose_name)
        for f in Accommodation._meta.get_fields()
        if hasattr(f, "verbose_name")
    )
    for word in ("diagnos", "patholog", "handicap", "maladie", "médical"):
        assert word not in names.lower()


def test_a_new_memoir_file_is_checked_again(ops_version, personas):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, started=True)
    certifier = candidacy.candidate.certifier
    services.submit_memoir(candidacy, upload=factories.pdf_upload("v1.pdf"))
    assert [m.candidacy_id for m in services.memoirs_to_check([certifier])] == [candidacy.pk]
    for part in candidacy.memoir_parts():
        services.confirm_memoir_part(candidacy, part_code=part["code"], actor=manager)
    assert services.memoir_summary(candidacy)["ready_for_oral"]
    assert list(services.memoirs_to_check([certifier])) == []
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("v2.pdf"))
    summary = services.memoir_summary(candidacy)
    assert not summary["ready_for_oral"] and len(summary["missing"]) == 7
    # The earlier confirmations stay in the history; the staff are asked to check again.
    assert summary["recheck"] and len(summary["earlier_checks"]) == 7
    assert [m.candidacy_id for m in services.memoirs_to_check([certifier])] == [candidacy.pk]
    event = AuditEvent.objects.for_object(memoir).filter(verb="memoir.submitted").latest("pk")
    assert event.payload["checks_of_replaced_file"] == 7
    services.confirm_memoir_part(candidacy, part_code="M1", actor=manager)  # again, for v2


def test_a_memoir_part_marked_missing_with_the_reason_the_candidate_reads(ops_version, personas):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, started=True)
    services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    with pytest.raises(CandidateError) as caught:
        services.check_memoir_part(candidacy, part_code="M3", present=False, actor=manager)
    assert caught.value.field_messages() == {
        "reason": ["Le motif est obligatoire pour une partie manquante."]
    }
    reason = "La monographie ne retrace pas le parcours de la personne accompagnée."
    services.check_memoir_part(
        candidacy, part_code="M3", present=False, reason=reason, actor=manager
    )
    summary = services.memoir_summary(candidacy)
    m3 = next(part for part in summary["parts"] if part["code"] == "M3")
    assert (m3["state"], m3["reason"]) == ("missing", reason)
    assert [part["code"] for part in summary["marked_missing"]] == ["M3"]
    # Confirmed later on the same file (the staff looked again): the latest check counts,
    # both stay in the history.
    services.confirm_memoir_part(candidacy, part_code="M3", actor=manager)
    m3 = next(p for p in services.memoir_summary(candidacy)["parts"] if p["code"] == "M3")
    assert m3["state"] == "confirmed"
    verbs = AuditEvent.objects.filter(verb__startswith="memoir.part").values_list("verb", flat=True)
    assert list(verbs) == ["memoir.part_missing", "memoir.part_confirmed"]


def test_presenting_to_the_jury_lists_what_is_missing_or_takes_a_reasoned_derogation(
    ops_version,
):
    candidacy = factories.candidacy(ops_version, started=True)
    with pytest.raises(CandidateError) as caught:
        services.move_candidacy(candidacy, S.AWAITING_JURY)
    assert str(caught.value).startswith("Présentation au jury refusée")
    assert caught.value.problems == [
        "Période de mise en application professionnelle : 0 jours sur 29 exigés.",
        "Attestation de la période de mise en application professionnelle : non déposée.",
        "Mémoire : ses parties exigées ne sont pas toutes confirmées par le certificateur.",
        "Soutenance orale du mémoire : pas encore passée.",
    ]
    candidacy.refresh_from_db()
    assert candidacy.status == S.IN_PROGRESS
    reason = "Le jury statuera sur les blocs ; le mémoire sera présenté plus tard."
    services.move_candidacy(candidacy, S.AWAITING_JURY, override_reason=reason)
    event = AuditEvent.objects.for_object(candidacy).get(verb="candidacy.send_to_jury")
    assert event.payload == {"override": reason, "missing": caught.value.problems}
    # A candidacy for some blocks is presented without them: they are the title's conditions.
    some = factories.candidacy(ops_version, started=True, blocks=["B2"])
    services.move_candidacy(some, S.AWAITING_JURY)


def test_attestation_only_on_an_active_training_candidacy(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    placement = services.record_placement(
        candidacy, host_structure="x", position="y", tutor_name="z"
    )
    services.move_candidacy(candidacy, S.WITHDRAWN, reason="Départ")
    with pytest.raises(CandidateError, match="plus en cours"):
        services.attach_placement_attestation(placement, upload=factories.pdf_upload())
    assert not Document.objects.exists()
