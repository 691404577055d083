"""Our states in the vocabulary of the tools certifiers already use (docs/api.md, tables).

- Wedof, certification folders (`certificationFolder.state`): toRegister, registered,
  toTake, toControl, success, toRetake, failed, refused, aborted; its events are
  `certificationFolder.<state>`, and the CDC deposit gives accrochageOk / accrochageKo.
- France VAE, the certifiers' interoperability API (betagouv/reva,
  packages/reva-interop/routes/v1/schemas.ts): StatutDossierDeFaisabilite /
  DecisionDossierDeFaisabilite (EN_ATTENTE, IRRECEVABLE, RECEVABLE, INCOMPLET, COMPLET…),
  DecisionDossierDeValidation (SIGNALE, VERIFIE; status EN_ATTENTE while undecided) and
  ResultatJury (SUCCES_TOTAL_CERTIFICATION_COMPLETE… ECHEC, CANDIDAT_EXCUSE,
  CANDIDAT_ABSENT).

Each function takes plain values (states, decision kinds) so that the API and the webhooks
compute the same mapping, and the tests read it as a table.
"""

from acquis.candidates.enums import AdmissibilityDecision, CandidacyStatus, ValidationFileDecision
from acquis.evaluations.enums import SlotStatus
from acquis.exports.enums import LineStatus
from acquis.juries.enums import DecisionKind

S = CandidacyStatus

# Candidacy state -> Wedof certification folder state (decided: see WEDOF_DECIDED).
WEDOF_STATES = {
    S.REGISTERED: "registered",
    S.ADMISSIBILITY_PENDING: "toRegister",
    S.ADMISSIBILITY_INCOMPLETE: "toRegister",
    S.NOT_ADMISSIBLE: "refused",
    S.IN_PROGRESS: "registered",  # "toTake" once convoked to an evaluation
    S.VALIDATION_FILE_SUBMITTED: "toTake",
    S.AWAITING_JURY: "toControl",
    S.WITHDRAWN: "aborted",
    S.ABANDONED: "aborted",
}
WEDOF_DECIDED = {
    DecisionKind.TOTAL: "success",
    DecisionKind.PARTIAL: "toRetake",
    DecisionKind.REFUSED: "failed",
}
WEDOF_ACCROCHAGE = {LineStatus.ACCEPTED: "accrochageOk", LineStatus.REJECTED: "accrochageKo"}

FVAE_FEASIBILITY = {
    "": "EN_ATTENTE",
    AdmissibilityDecision.ADMISSIBLE: "RECEVABLE",
    AdmissibilityDecision.NOT_ADMISSIBLE: "IRRECEVABLE",
    AdmissibilityDecision.INCOMPLETE: "INCOMPLET",
}
FVAE_VALIDATION_FILE = {
    "": "EN_ATTENTE",
    ValidationFileDecision.COMPLETE: "VERIFIE",
    ValidationFileDecision.INCOMPLETE: "SIGNALE",
}
# (decision kind, whole title?) -> ResultatJury. "CERTIFICATION_PARTIELLE": the candidacy
# aimed at some blocks only; "SUCCES_PARTIEL": part of the aimed scope granted.
FVAE_JURY = {
    (DecisionKind.TOTAL, True): "SUCCES_TOTAL_CERTIFICATION_COMPLETE",
    (DecisionKind.TOTAL, False): "SUCCES_TOTAL_CERTIFICATION_PARTIELLE",
    (DecisionKind.PARTIAL, True): "SUCCES_PARTIEL_CERTIFICATION_COMPLETE",
    (DecisionKind.PARTIAL, False): "SUCCES_PARTIEL_CERTIFICATION_PARTIELLE",
    (DecisionKind.REFUSED, True): "ECHEC",
    (DecisionKind.REFUSED, False): "ECHEC",
}
FVAE_ABSENCE = {
    SlotStatus.ABSENT_EXCUSED: "CANDIDAT_EXCUSE",
    SlotStatus.ABSENT_UNEXCUSED: "CANDIDAT_ABSENT",
}


def wedof_state(status: str, *, decision_kind: str = "", convoked: bool = False) -> str:
    if status == S.DECIDED:
        return WEDOF_DECIDED.get(decision_kind, "toControl")
    if status == S.IN_PROGRESS and convoked:
        return "toTake"
    return WEDOF_STATES[status]


def france_vae(
    *,
    pathway: str,
    whole_title: bool,
    admissibility: str | None,
    validation_file: str | None,
    decision_kind: str = "",
    absence: str = "",
) -> dict | None:
    """The France VAE values of a VAE candidacy (None for the other pathways).

    `admissibility` / `validation_file`: the latest request's decision ("" while undecided,
    None when there is none)."""
    if pathway != "vae":
        return None
    jury = None
    if decision_kind:
        jury = FVAE_JURY[(decision_kind, whole_title)]
    elif absence:
        jury = FVAE_ABSENCE.get(absence)
    return {
        "dossier_de_faisabilite": None
        if admissibility is None
        else FVAE_FEASIBILITY[admissibility],
        "dossier_de_validation": (
            None if validation_file is None else FVAE_VALIDATION_FILE[validation_file]
        ),
        "resultat_jury": jury,
    }


def candidacy_mapping(
    *,
    status: str,
    pathway: str,
    whole_title: bool,
    decision_kind: str = "",
    convoked: bool = False,
    admissibility: str | None = None,
    validation_file: str | None = None,
    absence: str = "",
) -> dict:
    state = wedof_state(status, decision_kind=decision_kind, convoked=convoked)
    return {
        "wedof_state": state,
        "wedof_event": f"certificationFolder.{state}",
        "france_vae": france_vae(
            pathway=pathway,
            whole_title=whole_title,
            admissibility=admissibility,
            validation_file=validation_file,
            decision_kind=decision_kind,
            absence=absence,
        ),
    }
