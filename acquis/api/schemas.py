"""Request and response bodies (pydantic, through django-ninja): the OpenAPI document's
components. Field names are the domain's (English), descriptions French."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

Sex = Literal["M", "F"]
PathwayCode = Literal["training", "vae", "free"]


class Strict(Schema):
    """Request bodies: unknown fields are refused (a typo is an error, not a silent no-op)."""

    model_config = ConfigDict(extra="forbid")


# --- problems ------------------------------------------------------------------------------


class ProblemItem(Schema):
    message: str
    field: str | None = Field(None, description="Chemin du champ en faute (`items[2].sexe`…).")
    pointer: str | None = Field(None, description="Le même chemin en JSON Pointer (RFC 6901).")
    index: int | None = Field(None, description="Rang de l'élément en faute (lots).")


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemItem] = []


def page_of(schema: type[Schema]) -> type[Schema]:
    return create_model(
        f"{schema.__name__}Page",
        __base__=Schema,
        items=(list[schema], ...),
        next_cursor=(
            str | None,
            Field(None, description="À passer en `cursor` pour la page suivante ; null à la fin."),
        ),
    )


# --- referentials ---------------------------------------------------------------------------


class VersionSummary(Schema):
    id: int
    number: int
    status: str


class CertificationOut(Schema):
    code: str
    title: str
    registry_number: str | None
    versions: list[VersionSummary]


class CriterionOut(Schema):
    code: str
    text: str


class CompetencyOut(Schema):
    code: str
    statement: str
    modality_kind: str
    criteria: list[CriterionOut]


class BlockOut(Schema):
    code: str
    registry_code: str
    title: str
    required_for_title: bool
    obtainable_separately: bool
    competencies: list[CompetencyOut]


class AssessmentOut(Schema):
    code: str
    title: str
    kind: str
    duration_minutes: int | None
    final: bool
    pathways: list[str]
    competencies: list[str]
    criteria: list[CriterionOut]


class VersionOut(Schema):
    id: int
    certification: str
    number: int
    status: str
    title: str
    level: str
    registry_number: str | None
    updated_at: datetime


class VersionDetail(VersionOut):
    blocks: list[BlockOut]
    assessments: list[AssessmentOut]


# --- candidates -----------------------------------------------------------------------------


class CandidateFields(Strict):
    birth_name: str = Field(..., max_length=60, description="Nom de naissance.")
    usage_name: str = Field("", max_length=60)
    first_name: str = Field(..., max_length=60, description="Premier prénom.")
    first_name_2: str = Field("", max_length=60)
    first_name_3: str = Field("", max_length=60)
    sex: Sex
    birth_date: date
    birth_insee_code: str = Field("", max_length=5, description="Code INSEE de la commune.")
    birth_city: str = Field("", max_length=60)
    birth_country: str = Field("", max_length=60, description="Pays, si né à l'étranger.")
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    postal_code: str = Field("", max_length=10)
    city: str = Field("", max_length=100)


class CandidateIn(CandidateFields):
    pass


class CandidatePatch(Strict):
    """Only the fields given change; `If-Match` with the ETag last read is required."""

    birth_name: str | None = Field(None, max_length=60)
    usage_name: str | None = Field(None, max_length=60)
    first_name: str | None = Field(None, max_length=60)
    first_name_2: str | None = Field(None, max_length=60)
    first_name_3: str | None = Field(None, max_length=60)
    sex: Sex | None = None
    birth_date: date | None = None
    birth_insee_code: str | None = Field(None, max_length=5)
    birth_city: str | None = Field(None, max_length=60)
    birth_country: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    postal_code: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=100)


class CandidateOut(Schema):
    id: int
    birth_name: str
    usage_name: str
    first_name: str
    first_name_2: str
    first_name_3: str
    sex: str
    birth_date: date
    birth_insee_code: str
    birth_city: str
    birth_country: str
    email: str
    phone: str
    address: str
    postal_code: str
    city: str
    created_at: datetime
    updated_at: datetime


# --- candidacies ----------------------------------------------------------------------------


class FranceVae(Schema):
    dossier_de_faisabilite: str | None = Field(
        None, description="StatutDossierDeFaisabilite / DecisionDossierDeFaisabilite."
    )
    dossier_de_validation: str | None = Field(
        None, description="StatutDossierDeValidation / DecisionDossierDeValidation."
    )
    resultat_jury: str | None = Field(None, description="ResultatJury.")


class Ecosystem(Schema):
    """The same state in the vocabulary of Wedof and France VAE (docs/api.md)."""

    wedof_state: str
    wedof_event: str
    france_vae: FranceVae | None = Field(None, description="Candidatures VAE seulement.")


class CandidacyOut(Schema):
    id: int
    candidate_id: int
    version_id: int
    certification: str
    cohort_id: int | None
    partner_id: int | None
    pathway: str
    access_mode: str
    vae_route: str
    whole_title: bool
    blocks: list[str]
    status: str
    status_label: str
    registered_on: date
    memoir_deadline: date | None
    created_at: datetime
    updated_at: datetime
    ecosystem: Ecosystem


class CandidacyIn(Strict):
    """Register a candidacy: a known candidate (`candidate_id`) or a new one (`candidate`)."""

    candidate_id: int | None = None
    candidate: CandidateIn | None = None
    version_id: int
    pathway: PathwayCode
    access_mode: str = Field(
        "", description="Code de la déclaration nationale ; défaut selon la voie."
    )
    vae_route: str = Field("", description="CONGES_VAE ou VAE_CLASSIQUE (VAE).")
    blocks: list[str] | None = Field(None, description="Codes des blocs ; absent : titre complet.")
    cohort_id: int | None = None
    partner_id: int | None = Field(
        None, description="Organisme partenaire ; imposé pour un client de partenaire."
    )
    registered_on: date | None = None


class WithdrawIn(Strict):
    reason: str = Field(..., min_length=1, max_length=1000, description="Motif du désistement.")


class BatchItem(CandidateFields):
    pathway: PathwayCode
    access_mode: str = ""
    vae_route: str = ""
    blocks: list[str] | None = None
    partner_id: int | None = None
    registered_on: date | None = None


class BatchIn(Strict):
    cohort_id: int
    dry_run: bool = Field(False, description="Tout vérifier sans rien enregistrer.")
    items: list[BatchItem] = Field(..., min_length=1, max_length=1000)


class BatchOut(Schema):
    dry_run: bool
    rows: int
    candidates_created: int
    candidates_reused: int
    candidacies_created: int
    skipped: list[int] = Field(..., description="Rangs des éléments déjà inscrits (ignorés).")


# --- placements and uploads -------------------------------------------------------------------


class PeriodIn(Strict):
    starts_on: date
    ends_on: date
    days_worked: int = Field(..., ge=1, le=366)


class PeriodOut(Schema):
    starts_on: date
    ends_on: date
    days_worked: int


class UploadOut(Schema):
    id: str = Field(..., description="Identifiant de la pièce (UUID).")
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class PlacementIn(Strict):
    host_structure: str = Field(..., max_length=255)
    position: str = Field(..., max_length=255)
    tutor_name: str = Field(..., max_length=255)
    host_siret: str = Field("", max_length=14)
    tutor_email: str = Field("", max_length=254)


class PlacementOut(Schema):
    id: int
    candidacy_id: int
    host_structure: str
    host_siret: str
    position: str
    tutor_name: str
    tutor_email: str
    days_worked: int
    periods: list[PeriodOut]
    attestation: UploadOut | None
    updated_at: datetime


class MemoirOut(Schema):
    candidacy_id: int
    document: UploadOut
    submitted_at: datetime
    late: bool


class ValidationFileOut(Schema):
    candidacy_id: int
    document: UploadOut
    submitted_at: datetime
    status: str


# --- sessions, convocations, results --------------------------------------------------------


class SessionOut(Schema):
    id: int
    title: str
    date: date
    place: str
    remote: bool
    status: str
    version_id: int
    updated_at: datetime


class ConvocationOut(Schema):
    id: int
    session_id: int
    candidacy_id: int
    assessment: str
    assessment_title: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    extra_minutes: int
    room: str
    place: str
    status: str
    convoked_at: datetime
    updated_at: datetime


class CompetencyResultOut(Schema):
    competency: str
    acquired: bool


class ResultOut(Schema):
    id: int
    slot_id: int
    session_id: int
    candidacy_id: int
    assessment: str
    outcome: bool | None = Field(None, description="Épreuve finale : réussie ou non.")
    competencies: list[CompetencyResultOut]
    recorded_at: datetime
    released_at: datetime = Field(..., description="Clôture de la session (publication).")


# --- decisions, documents, badges, accrochage -------------------------------------------------


class BlockDecisionOut(Schema):
    block: str
    validated: bool


class DecisionOut(Schema):
    id: int
    candidacy_id: int
    kind: str
    kind_label: str
    reason: str
    further_evidence: str
    deadline: date | None
    blocks: list[BlockDecisionOut]
    corrects_id: int | None
    deliberation_date: date
    signed_at: datetime
    ecosystem: Ecosystem


class IssuedDocumentOut(Schema):
    id: int
    kind: str
    number: str
    decision_id: int | None
    candidacy_id: int | None
    issued_at: datetime
    revoked_at: datetime | None
    sha256: str
    verification_url: str


class BadgeOut(Schema):
    id: int
    credential_id: str
    decision_id: int
    candidacy_id: int
    block: str | None
    issued_at: datetime
    revoked_at: datetime | None
    credential: dict = Field(..., description="Le badge signé (Open Badges 3.0).")


class AccrochageOut(Schema):
    decision_id: int
    candidacy_id: int
    candidate_id: int
    status: Literal["not_declared", "exported", "accepted", "rejected"]
    message: str
    declared_at: datetime | None
    reported_at: datetime | None
    wedof: str | None = Field(None, description="accrochageOk / accrochageKo (Wedof).")
    signed_at: datetime
