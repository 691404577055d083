"""Verbs of candidate dossiers. Each is atomic and writes its audit event."""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates import hooks
from acquis.candidates.enums import (
    ACTIVE,
    CANDIDACY_TRANSITIONS,
    GUARDED_VERBS,
    PATHWAY_ACCESS_MODES,
    AccessMode,
    AccommodationKind,
    AdmissibilityDecision,
    CandidacyStatus,
    DocumentKind,
    Pathway,
    VaeRoute,
    ValidationFileDecision,
)
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.identity import validate_identity
from acquis.candidates.models import (
    Accommodation,
    AdmissibilityRequest,
    Candidacy,
    Candidate,
    Cohort,
    Memoir,
    MemoirPartCheck,
    PlacementPeriod,
    ValidationFile,
    WorkPlacement,
    identity_key,
)
from acquis.documents.services import DocumentError, store_upload
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.referential.enums import VersionStatus
from acquis.workflow import Workflow

S = CandidacyStatus
IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name",
    "first_name_2",
    "first_name_3",
    "sex",
    "birth_date",
    "birth_insee_code",
    "birth_city",
    "birth_country",
    "email",
    "phone",
    "address",
    "postal_code",
    "city",
)


# --- candidates ------------------------------------------------------------------------


def find_duplicate(certifier, data: dict) -> Candidate | None:
    if not (data.get("birth_name") and data.get("first_name") and data.get("birth_date")):
        return None
    key = identity_key(data["birth_name"], data["first_name"], data["birth_date"])
    return Candidate.objects.filter(certifier=certifier, identity_key=key).first()


@transaction.atomic
def _access_mode_label(mode: str) -> str:
    return AccessMode(mode).label if mode in AccessMode.values else mode


def create_candidate(*, certifier, data: dict, actor=None) -> Candidate:
    errors = validate_identity(data)
    if errors:
        raise CandidateError("L'identité du candidat est incomplète ou invalide.", errors)
    duplicate = find_duplicate(certifier, data)
    if duplicate is not None:
        raise CandidateError(
            f"Doublon : {duplicate.full_name}, né(e) le {duplicate.birth_date:%d/%m/%Y}, "
            "est déjà enregistré(e) (même nom de naissance, prénom et date de naissance).",
            {"birth_name": "Ce candidat existe déjà."},
        )
    values = {f: _clean(data.get(f)) for f in IDENTITY_FIELDS if f in data}
    values["birth_insee_code"] = (values.get("birth_insee_code") or "").upper()
    candidate = Candidate(certifier=certifier, **values)
    candidate.identity_key = identity_key(
        candidate.birth_name, candidate.first_name, candidate.birth_date
    )
    candidate.save()
    record_event("candidate.created", candidate, actor=actor)
    return candidate


@transaction.atomic
def update_candidate(candidate: Candidate, *, data: dict, actor=None) -> Candidate:
    merged = {f: getattr(candidate, f) for f in IDENTITY_FIELDS} | data
    errors = validate_identity(merged)
    if errors:
        raise CandidateError("L'identité du candidat est incomplète ou invalide.", errors)
    key = identity_key(merged["birth_name"], merged["first_name"], merged["birth_date"])
    clash = Candidate.objects.filter(certifier=candidate.certifier, identity_key=key)
    if clash.exclude(pk=candidate.pk).exists():
        raise CandidateError("Doublon : un autre candidat a la même identité.")
    before = {f: str(getattr(candidate, f)) for f in IDENTITY_FIELDS}
    for field in IDENTITY_FIELDS:
        setattr(candidate, field, _clean(merged.get(field)))
    candidate.birth_insee_code = candidate.birth_insee_code.upper()
    candidate.identity_key = key
    candidate.save()
    changed = {
        f: [before[f], str(getattr(candidate, f))]
        for f in IDENTITY_FIELDS
        if before[f] != str(getattr(candidate, f))
    }
    record_event("candidate.updated", candidate, actor=actor, payload={"changed": changed})
    return candidate


def _clean(value):
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


# --- candidacies -----------------------------------------------------------------------


@transaction.atomic
def create_cohort(
    *, certifier, version, name, starts_on=None, ends_on=None, memoir_deadline=None, actor=None
) -> Cohort:
    if version.status != VersionStatus.PUBLISHED:
        raise CandidateError("Une promotion se rattache à un référentiel publié.")
    if starts_on and ends_on and ends_on < starts_on:
        raise CandidateError("La fin de la promotion précède son début.", {"ends_on": "Date."})
    if Cohort.objects.filter(certifier=certifier, name=name).exists():
        raise CandidateError(f"Une promotion s'appelle déjà « {name} ».", {"name": "Déjà pris."})
    cohort = Cohort.objects.create(
        certifier=certifier,
        version=version,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        memoir_deadline=memoir_deadline,
    )
    record_event("cohort.created", cohort, actor=actor)
    return cohort


@transaction.atomic
def register_candidacy(
    *,
    candidate: Candidate,
    version,
    pathway: str,
    access_mode: str = "",
    vae_route: str = "",
    block_codes: list[str] | None = None,
    cohort: Cohort | None = None,
    partner=None,
    registered_on: date | None = None,
    actor=None,
) -> Candidacy:
    """Register a candidate for the whole title (block_codes=None) or some blocks."""
    errors = registration_errors(
        candidate, version, pathway, access_mode, vae_route, cohort, partner
    )
    future = registration_date_error(registered_on)
    if future:
        errors["registered_on"] = future
    if errors:
        raise CandidateError("L'inscription n'est pas possible en l'état.", errors)
    blocks = chosen_blocks(version, block_codes)
    candidacy = Candidacy.objects.create(
        candidate=candidate,
        version=version,
        cohort=cohort,
        partner=partner,
        pathway=pathway,
        access_mode=access_mode or default_access_mode(pathway),
        vae_route=vae_route if pathway == Pathway.VAE else "",
        whole_title=block_codes is None,
        registered_on=registered_on or timezone.localdate(),
        memoir_deadline=cohort.memoir_deadline if cohort else None,
    )
    candidacy.blocks.set(blocks)
    record_event(
        "candidacy.registered",
        candidacy,
        actor=actor,
        to_state=candidacy.status,
        payload={"pathway": pathway, "blocks": [b.code for b in blocks]},
    )
    return candidacy


def default_access_mode(pathway: str) -> str:
    return {Pathway.VAE: AccessMode.VAE, Pathway.FREE: AccessMode.FREE}.get(pathway, "")


# A registration recorded ahead of time is fine (a cohort starting next term); one years
# ahead is a typo (2062 for 2026).
REGISTRATION_MAX_DAYS_AHEAD = 366


def registration_date_error(registered_on, *, today=None) -> str | None:
    today = today or timezone.localdate()
    if registered_on is not None and (registered_on - today).days > REGISTRATION_MAX_DAYS_AHEAD:
        return (
            f"Date d'inscription trop lointaine ({registered_on:%d/%m/%Y}) : au plus un an "
            "après aujourd'hui."
        )
    return None


def registration_errors(candidate, version, pathway, access_mode, vae_route, cohort, partner):
    errors: dict[str, str] = {}
    if version.status != VersionStatus.PUBLISHED:
        errors["version"] = "On ne s'inscrit que sur une version publiée du référentiel."
    if pathway not in Pathway.values:
        errors["pathway"] = "Voie d'accès inconnue (formation, VAE ou candidat libre)."
        return errors
    mode = access_mode or default_access_mode(pathway)
    if mode not in PATHWAY_ACCESS_MODES[pathway]:
        allowed = " ; ".join(sorted(AccessMode(m).label for m in PATHWAY_ACCESS_MODES[pathway]))
        pathway_label = Pathway(pathway).label.lower()
        if not mode:
            errors["access_mode"] = (
                f"Choisissez la modalité d'accès (voie « {pathway_label} ») parmi : {allowed}."
            )
        else:
            errors["access_mode"] = (
                f"La modalité « {_access_mode_label(mode)} » ne convient pas à la voie "
                f"« {pathway_label} » ; choisissez parmi : {allowed}."
            )
    if pathway == Pathway.VAE and vae_route not in VaeRoute.values:
        errors["vae_route"] = "Précisez la voie VAE : congé VAE ou VAE classique."
    if cohort is not None and (
        cohort.version_id != version.pk or cohort.certifier_id != candidate.certifier_id
    ):
        errors["cohort"] = "La promotion ne correspond pas à ce référentiel."
    if partner is not None:
        if (
            partner.kind != OrganisationKind.PARTNER
            or partner.certifier_id != candidate.certifier_id
        ):
            errors["partner"] = "Cet organisme n'est pas un partenaire du certificateur."
        elif partner.habilitation not in (Habilitation.PREPARE, Habilitation.BOTH):
            errors["partner"] = (
                "Cet organisme partenaire n'est pas habilité à préparer des candidats."
            )
    active = Candidacy.objects.filter(
        candidate=candidate, version__certification_id=version.certification_id, status__in=ACTIVE
    )
    if active.exists():
        errors["candidate"] = (
            "Ce candidat a déjà une candidature en cours pour cette certification."
        )
    return errors


def chosen_blocks(version, block_codes):
    rules = version.rules
    blocks = {b.code: b for b in version.blocks.all()}
    if block_codes is None:
        required = rules.get("title_requires_blocks") or list(blocks)
        return [blocks[c] for c in required]
    if not block_codes:
        raise CandidateError("Choisissez au moins un bloc.", {"blocks": "Aucun bloc choisi."})
    separate = set(rules.get("blocks_obtainable_separately") or [])
    unknown = [c for c in block_codes if c not in blocks]
    if unknown:
        raise CandidateError(f"Bloc(s) inconnu(s) : {', '.join(unknown)}.", {"blocks": "Inconnu."})
    refused = [c for c in block_codes if c not in separate]
    if refused:
        raise CandidateError(
            f"Bloc(s) non obtenable(s) séparément : {', '.join(refused)}.", {"blocks": "Refusé."}
        )
    return [blocks[c] for c in dict.fromkeys(block_codes)]


CANDIDACY_WORKFLOW = Workflow(
    "candidacy.",
    CANDIDACY_TRANSITIONS,
    CandidateError,
    refusal=lambda candidacy, _to: (
        f"Action impossible : la candidature est « {candidacy.get_status_display()} » "
        f"(voie {candidacy.get_pathway_display()})."
    ),
    # (verb, pathways, label): a move is open to the pathways it names only.
    guard=lambda candidacy, entry: candidacy.pathway in entry[1],
)


def allowed_moves(candidacy: Candidacy) -> list[tuple[str, str, str]]:
    """(to_status, verb, label) a user may trigger directly from the current state."""
    return [
        (to, verb, label)
        for to, (verb, _pathways, label) in CANDIDACY_WORKFLOW.moves_from(candidacy)
        if verb not in GUARDED_VERBS
    ]


def verb_available(candidacy: Candidacy, verb: str) -> bool:
    """The transition table offers this verb from the candidacy's state and pathway."""
    return any(entry[0] == verb for _to, entry in CANDIDACY_WORKFLOW.moves_from(candidacy))


def _transition(candidacy: Candidacy, to_status: str, *, verb: str, actor, payload=None):
    return CANDIDACY_WORKFLOW.apply(candidacy, to_status, verb=verb, actor=actor, payload=payload)


@transaction.atomic
def record_decision(candidacy: Candidacy, *, decision, minutes_number: str, actor=None):
    """The guarded move awaiting_jury → decided, made only when a decision's minutes are
    signed (acquis.juries.minutes)."""
    return _transition(
        candidacy,
        CandidacyStatus.DECIDED,
        verb="record_decision",
        actor=actor,
        payload={"decision": decision.pk, "kind": decision.kind, "minutes": minutes_number},
    )


@transaction.atomic
def move_candidacy(
    candidacy: Candidacy,
    to_status: str,
    *,
    actor=None,
    reason: str = "",
    override_reason: str = "",
):
    """Plain moves (start, send to jury, withdraw, abandon); reasons required to leave.

    "Présenter au jury" (send_to_jury) is refused while evidence the title needs is missing
    (`hooks.missing_for_jury`: work placement days and attestation, memoir checked, memoir
    oral passed), listing it, unless the staff give an explicit reason to present it anyway
    (`override_reason`), recorded with what was missing in the audit event.
    """
    locked = CANDIDACY_WORKFLOW.lock(candidacy)
    # The pathway is checked by the move itself (its refusal names the pathway).
    verb = (CANDIDACY_TRANSITIONS.get((locked.status, to_status)) or [None])[0]
    if verb is None or verb in GUARDED_VERBS:
        raise CandidateError("Cette action n'est pas possible depuis l'état actuel.")
    if verb in {"withdraw", "abandon"} and not reason.strip():
        raise CandidateError("Indiquez le motif.", {"reason": "Le motif est obligatoire."})
    payload = {"reason": reason.strip()} if reason else {}
    if verb == "send_to_jury":
        payload |= _jury_prerequisites(candidacy, override_reason)
    return _transition(candidacy, to_status, verb=verb, actor=actor, payload=payload)


def _jury_prerequisites(candidacy: Candidacy, override_reason: str) -> dict:
    missing = hooks.missing_for_jury(candidacy)
    override_reason = (override_reason or "").strip()
    if not missing:
        return {}
    if not override_reason:
        raise CandidateError(
            "Présentation au jury refusée : des pièces exigées pour le titre manquent. "
            "Complétez le dossier, ou présentez la candidature par dérogation en donnant le "
            "motif.",
            problems=missing,
        )
    if len(override_reason) > 1000:
        raise CandidateError(
            "Motif de la dérogation : 1000 caractères au plus.",
            {"override_reason": "Trop long."},
        )
    return {"override": override_reason, "missing": missing}


# --- VAE: admissibility and validation file ----------------------------------------------


@transaction.atomic
def request_admissibility(candidacy: Candidacy, *, upload=None, actor=None) -> AdmissibilityRequest:
    # The move is checked (and made) first: a refused request stores no file.
    _transition(candidacy, S.ADMISSIBILITY_PENDING, verb="request_admissibility", actor=actor)
    document = _store(
        upload, DocumentKind.ADMISSIBILITY_REQUEST, actor, "demande de recevabilité", candidacy
    )
    return AdmissibilityRequest.objects.create(
        candidacy=candidacy, document=document, submitted_at=timezone.now()
    )


def pending_admissibility_request(candidacy: Candidacy) -> AdmissibilityRequest:
    """The candidacy's admissibility request awaiting a decision (the latest one)."""
    pending = candidacy.admissibility_requests.filter(decision="").order_by("pk").last()
    if pending is None:
        raise CandidateError("Aucune demande de recevabilité en attente.")
    return pending


@transaction.atomic
def decide_admissibility(
    request: AdmissibilityRequest, *, decision: str, reason: str = "", actor
) -> AdmissibilityRequest:
    request = AdmissibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.decision:
        raise CandidateError("Cette demande de recevabilité a déjà été tranchée.")
    if decision not in AdmissibilityDecision.values:
        raise CandidateError("Décision inconnue.", {"decision": "Choisissez une décision."})
    if decision != AdmissibilityDecision.ADMISSIBLE and not reason.strip():
        raise CandidateError("Le motif est obligatoire.", {"reason": "Motif obligatoire."})
    target, verb = {
        AdmissibilityDecision.ADMISSIBLE: (S.IN_PROGRESS, "declare_admissible"),
        AdmissibilityDecision.NOT_ADMISSIBLE: (S.NOT_ADMISSIBLE, "declare_not_admissible"),
        AdmissibilityDecision.INCOMPLETE: (
            S.ADMISSIBILITY_INCOMPLETE,
            "declare_admissibility_incomplete",
        ),
    }[decision]
    _transition(request.candidacy, target, verb=verb, actor=actor, payload={"reason": reason})
    request.decision, request.reason = decision, reason.strip()
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save()
    return request


@transaction.atomic
def submit_validation_file(candidacy: Candidacy, *, upload, actor=None) -> ValidationFile:
    if upload is None:
        raise CandidateError("Joignez le dossier de validation.", {"file": "Fichier manquant."})
    _transition(candidacy, S.VALIDATION_FILE_SUBMITTED, verb="submit_validation_file", actor=actor)
    document = _store(
        upload, DocumentKind.VALIDATION_FILE, actor, "dossier de validation", candidacy
    )
    return ValidationFile.objects.create(
        candidacy=candidacy, document=document, submitted_at=timezone.now()
    )


def pending_validation_file(candidacy: Candidacy) -> ValidationFile:
    """The candidacy's validation file awaiting its examination (the latest one)."""
    pending = candidacy.validation_files.filter(decision="").order_by("pk").last()
    if pending is None:
        raise CandidateError("Aucun dossier de validation en attente d'examen.")
    return pending


@transaction.atomic
def decide_validation_file(
    vfile: ValidationFile, *, decision: str, reason: str = "", actor
) -> ValidationFile:
    vfile = ValidationFile.objects.select_for_update().get(pk=vfile.pk)
    if vfile.decision:
        raise CandidateError("Ce dossier de validation a déjà été examiné.")
    if decision not in ValidationFileDecision.values:
        raise CandidateError("Décision inconnue.", {"decision": "Choisissez une décision."})
    if decision == ValidationFileDecision.INCOMPLETE and not reason.strip():
        raise CandidateError("Le motif est obligatoire.", {"reason": "Motif obligatoire."})
    if decision == ValidationFileDecision.COMPLETE:
        target, verb = S.AWAITING_JURY, "declare_validation_file_complete"
    else:
        target, verb = S.IN_PROGRESS, "declare_validation_file_incomplete"
    _transition(vfile.candidacy, target, verb=verb, actor=actor, payload={"reason": reason})
    vfile.decision, vfile.reason = decision, reason.strip()
    vfile.decided_at, vfile.decided_by = timezone.now(), actor
    vfile.save()
    return vfile


# --- work placement and memoir (every non-VAE pathway) -------------------------------------


def _require_training(candidacy: Candidacy, section: str) -> None:
    """The work placement and the memoir belong to every pathway but VAE (the source
    exempts no one: a free candidate does them too), and only to a title that has them
    (`section`: "placement" or "memoir")."""
    if candidacy.pathway == Pathway.VAE:
        raise CandidateError(
            "La période de mise en application et le mémoire ne concernent pas la voie VAE "
            "(dossier de validation et oral)."
        )
    version = candidacy.version
    if section == "placement" and not version.has_work_placement:
        raise CandidateError(
            f"Le titre « {version.title} » ne comporte pas de période de mise en application "
            "professionnelle : rien à enregistrer."
        )
    if section == "memoir" and not version.has_memoir:
        raise CandidateError(
            f"Le titre « {version.title} » ne comporte pas de mémoire : rien à déposer ni à "
            "vérifier."
        )
    if candidacy.status not in ACTIVE:
        raise CandidateError("La candidature n'est plus en cours.")


@transaction.atomic
def record_placement(
    candidacy: Candidacy,
    *,
    host_structure: str,
    position: str,
    tutor_name: str,
    host_siret: str = "",
    tutor_email: str = "",
    actor=None,
) -> WorkPlacement:
    _require_training(candidacy, "placement")
    errors = {
        f: "Champ obligatoire."
        for f, v in (
            ("host_structure", host_structure),
            ("position", position),
            ("tutor_name", tutor_name),
        )
        if not (v or "").strip()
    }
    if host_siret and not (host_siret.isdigit() and len(host_siret) == 14):
        errors["host_siret"] = "Le SIRET compte 14 chiffres."
    if errors:
        raise CandidateError("La période de mise en application est incomplète.", errors)
    placement = WorkPlacement.objects.create(
        candidacy=candidacy,
        host_structure=host_structure.strip(),
        position=position.strip(),
        tutor_name=tutor_name.strip(),
        host_siret=host_siret,
        tutor_email=tutor_email,
    )
    record_event("placement.recorded", placement, actor=actor)
    return placement


@transaction.atomic
def add_placement_period(
    placement: WorkPlacement, *, starts_on: date, ends_on: date, days_worked: int, actor=None
) -> PlacementPeriod:
    _require_training(placement.candidacy, "placement")
    if ends_on < starts_on:
        raise CandidateError("La fin de la période précède son début.", {"ends_on": "Date."})
    calendar_days = (ends_on - starts_on).days + 1
    if not 0 < days_worked <= calendar_days:
        raise CandidateError(
            f"Jours travaillés : entre 1 et {calendar_days} pour cette période.",
            {"days_worked": f"Entre 1 et {calendar_days}."},
        )
    overlap = placement.candidacy.placements.filter(
        periods__starts_on__lte=ends_on, periods__ends_on__gte=starts_on
    )
    if overlap.exists():
        raise CandidateError(
            "Cette période chevauche une période déjà saisie.", {"starts_on": "Chevauchement."}
        )
    period = PlacementPeriod.objects.create(
        placement=placement, starts_on=starts_on, ends_on=ends_on, days_worked=days_worked
    )
    placement.save(update_fields=["updated_at"])  # its days changed (API `updated_since`)
    record_event(
        "placement.period_added",
        placement,
        actor=actor,
        payload={"from": str(starts_on), "to": str(ends_on), "days": days_worked},
    )
    return period


@transaction.atomic
def attach_placement_attestation(placement: WorkPlacement, *, upload, actor=None) -> WorkPlacement:
    _require_training(placement.candidacy, "placement")
    document = _store(
        upload, DocumentKind.WORK_PLACEMENT_ATTESTATION, actor, "attestation", placement.candidacy
    )
    if document is None:
        raise CandidateError("Joignez l'attestation.", {"file": "Fichier manquant."})
    previous = placement.attestation_id
    placement.attestation = document
    placement.save(update_fields=["attestation"])
    record_event(
        "placement.attestation_attached",
        placement,
        actor=actor,
        payload={"document": str(document.uuid), "replaces": previous},
    )
    return placement


def placement_summary(candidacy: Candidacy) -> dict:
    """Days worked against the referential's requirement (29 days for OPS Conseil)."""
    required = candidacy.required_placement_days()
    # Every period of every placement in one sum (not one query per placement).
    days = (
        PlacementPeriod.objects.filter(placement__candidacy=candidacy).aggregate(
            total=Sum("days_worked")
        )["total"]
        or 0
    )
    return {
        "days": days,
        "required": required,
        "met": required is None or days >= required,
        "missing": max(0, (required or 0) - days),
    }


def _memoir(candidacy: Candidacy) -> Memoir:
    memoir, _ = Memoir.objects.get_or_create(candidacy=candidacy)
    return memoir


@transaction.atomic
def submit_memoir(candidacy: Candidacy, *, upload, actor=None) -> Memoir:
    """A new memoir file. Checks belong to a file: after a replacement the staff check the
    new file again (the earlier checks stay in the history); the event says how many
    checks the replaced file had, for the candidate's warning and the staff's list."""
    _require_training(candidacy, "memoir")
    document = _store(upload, DocumentKind.MEMOIR, actor, "mémoire", candidacy)
    if document is None:
        raise CandidateError("Joignez le mémoire.", {"file": "Fichier manquant."})
    memoir = _memoir(candidacy)
    previous = memoir.document_id
    checked_before = (
        memoir.checks.filter(document_id=previous).count() if previous is not None else 0
    )
    memoir.document, memoir.submitted_at = document, timezone.now()
    memoir.save()
    late = bool(candidacy.memoir_deadline and timezone.localdate() > candidacy.memoir_deadline)
    record_event(
        "memoir.submitted",
        memoir,
        actor=actor,
        payload={
            "document": str(document.uuid),
            "replaces": previous,
            "late": late,
            "checks_of_replaced_file": checked_before,
        },
    )
    return memoir


@transaction.atomic
def check_memoir_part(
    candidacy: Candidacy, *, part_code: str, present: bool, reason: str = "", actor
) -> MemoirPartCheck:
    """The staff's check of one required part of the current memoir file: present
    (confirmed) or missing with a reason the candidate reads. A later check of the same
    part replaces it for the current file; every check stays in the history."""
    if not candidacy.version.has_memoir:
        raise CandidateError(f"Le titre « {candidacy.version.title} » ne comporte pas de mémoire.")
    codes = [p["code"] for p in candidacy.memoir_parts()]
    if part_code not in codes:
        raise CandidateError(f"Partie du mémoire inconnue : {part_code}.")
    reason = (reason or "").strip()
    if not present and not reason:
        raise CandidateError(
            f"Motif : indiquez au candidat ce qui manque dans la partie {part_code}.",
            {"reason": "Le motif est obligatoire pour une partie manquante."},
        )
    if len(reason) > 2000:
        raise CandidateError("Motif : 2000 caractères au plus.", {"reason": "Trop long."})
    memoir = Memoir.objects.select_for_update().filter(candidacy=candidacy).first()
    if memoir is None or memoir.document_id is None:
        raise CandidateError("Le mémoire n'a pas encore été déposé.")
    latest = _latest_checks(memoir).get(part_code)
    if latest is not None and latest.present and present:
        raise CandidateError(f"La partie {part_code} est déjà confirmée.")
    check = MemoirPartCheck.objects.create(
        memoir=memoir,
        document_id=memoir.document_id,
        part_code=part_code,
        present=bool(present),
        reason="" if present else reason,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    record_event(
        "memoir.part_confirmed" if present else "memoir.part_missing",
        memoir,
        actor=actor,
        payload={"part": part_code, "reason": check.reason, "document": memoir.document_id},
    )
    return check


def confirm_memoir_part(candidacy: Candidacy, *, part_code: str, actor) -> MemoirPartCheck:
    return check_memoir_part(candidacy, part_code=part_code, present=True, actor=actor)


def _latest_checks(memoir: Memoir) -> dict[str, MemoirPartCheck]:
    """The latest check of each part of the memoir's current file."""
    latest: dict[str, MemoirPartCheck] = {}
    checks = memoir.checks.filter(document_id=memoir.document_id).order_by("confirmed_at", "pk")
    for check in checks:
        latest[check.part_code] = check
    return latest


def memoir_summary(candidacy: Candidacy) -> dict:
    """The memoir's parts and their state for its current file: "confirmed", "missing"
    (with the reason) or "to_check"; ready for the oral when every part is confirmed."""
    parts = candidacy.memoir_parts()
    memoir = Memoir.objects.filter(candidacy=candidacy).first()
    # Only checks of the current file count: a new memoir is checked again.
    latest = _latest_checks(memoir) if memoir and memoir.document_id else {}
    rows = []
    for part in parts:
        check = latest.get(part["code"])
        state = "to_check" if check is None else ("confirmed" if check.present else "missing")
        rows.append(
            {
                **part,
                "confirmed": state == "confirmed",
                "state": state,
                "reason": check.reason if check is not None else "",
                "check": check,
            }
        )
    deadline = candidacy.memoir_deadline
    submitted = memoir.submitted_at if memoir else None
    late = bool(deadline and (submitted.date() if submitted else timezone.localdate()) > deadline)
    earlier = (
        list(
            memoir.checks.exclude(document_id=memoir.document_id)
            .select_related("confirmed_by")
            .order_by("confirmed_at", "pk")
        )
        if memoir
        else []
    )
    return {
        "memoir": memoir,
        "parts": rows,
        "missing": [row["code"] for row in rows if row["state"] != "confirmed"],
        "marked_missing": [row for row in rows if row["state"] == "missing"],
        "deadline": deadline,
        "late": late,
        "ready_for_oral": bool(
            memoir and memoir.document_id and all(row["confirmed"] for row in rows)
        ),
        # Checks of earlier files (a replaced memoir is checked again from scratch).
        "earlier_checks": earlier,
        "recheck": bool(earlier) and not latest,
    }


def memoirs_to_check(certifiers):
    """Memoirs of active candidacies whose current file has no check yet (a new memoir, or
    one replaced after its checks): the staff's list of files to check."""
    checked = MemoirPartCheck.objects.filter(
        memoir=OuterRef("pk"), document_id=OuterRef("document_id")
    )
    return (
        Memoir.objects.filter(
            candidacy__candidate__certifier__in=certifiers,
            candidacy__status__in=ACTIVE,
            document__isnull=False,
        )
        .exclude(Exists(checked))
        .select_related("candidacy__candidate")
        .order_by("submitted_at", "pk")
    )


# --- accommodations ------------------------------------------------------------------------


@transaction.atomic
def add_accommodation(
    candidacy: Candidacy,
    *,
    kind: str,
    extra_minutes: int | None = None,
    details: str = "",
    actor=None,
) -> Accommodation:
    if kind not in AccommodationKind.values:
        raise CandidateError("Mesure inconnue.", {"kind": "Choisissez une mesure."})
    if kind == AccommodationKind.EXTRA_TIME:
        if not extra_minutes or extra_minutes <= 0 or extra_minutes > 600:
            raise CandidateError(
                "Indiquez le temps supplémentaire en minutes (1 à 600).",
                {"extra_minutes": "Entre 1 et 600 minutes."},
            )
    else:
        extra_minutes = None
    if kind == AccommodationKind.OTHER and not details.strip():
        raise CandidateError("Décrivez la mesure.", {"details": "Précisez la mesure."})
    accommodation = Accommodation.objects.create(
        candidacy=candidacy,
        kind=kind,
        extra_minutes=extra_minutes,
        details=details.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record_event(
        "accommodation.added",
        accommodation,
        actor=actor,
        payload={"kind": kind, "minutes": extra_minutes},
    )
    return accommodation


@transaction.atomic
def withdraw_accommodation(accommodation: Accommodation, *, actor=None) -> Accommodation:
    if accommodation.withdrawn_at:
        raise CandidateError("Cet aménagement est déjà retiré.")
    accommodation.withdrawn_at = timezone.now()
    accommodation.save(update_fields=["withdrawn_at"])
    record_event("accommodation.withdrawn", accommodation, actor=actor)
    return accommodation


def _store(upload, kind, actor, label, candidacy=None):
    if upload is None:
        return None
    try:
        return store_upload(upload, kind=kind, actor=actor, field_label=label, candidacy=candidacy)
    except DocumentError as exc:
        raise CandidateError(str(exc), {"file": str(exc)}) from exc
