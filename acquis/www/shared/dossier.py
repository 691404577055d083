"""What a candidacy's dossier shows, read from the domain, for the candidate portal and the
partner screens (both render it read-only; their perms modules decide who sees which one).
"""

from django.utils import timezone

from acquis.candidates import services
from acquis.candidates.enums import CandidacyStatus, Pathway
from acquis.www.shared.uploads import open_uploads

S = CandidacyStatus

# The next step in words, for the candidate: the state label says where they are, not what
# comes next. By state, and by state and pathway where the two differ.
HINTS = {
    S.REGISTERED: "Votre inscription est enregistrée ; le certificateur démarrera votre parcours.",
    S.ADMISSIBILITY_PENDING: "Votre demande de recevabilité est en cours d'examen par le "
    "certificateur.",
    S.ADMISSIBILITY_INCOMPLETE: "Votre demande de recevabilité est incomplète : lisez le motif "
    "ci-dessous, puis déposez votre demande complétée.",
    S.NOT_ADMISSIBLE: "Votre demande n'a pas été jugée recevable (motif ci-dessous). Vous "
    "pouvez déposer une nouvelle demande.",
    S.VALIDATION_FILE_SUBMITTED: "Votre dossier de validation est en cours d'examen par le "
    "certificateur.",
    S.AWAITING_JURY: "Votre dossier est prêt pour le jury : vous recevrez votre convocation.",
    S.DECIDED: "Le jury a rendu sa décision.",
    S.WITHDRAWN: "Cette candidature est close (désistement).",
    S.ABANDONED: "Cette candidature est close (abandon).",
    S.IN_PROGRESS: "Votre parcours est en cours.",
}
HINTS_BY_PATHWAY = {
    (S.REGISTERED, Pathway.VAE): "Première étape : déposez votre demande de recevabilité.",
    (S.IN_PROGRESS, Pathway.VAE): "Votre demande est recevable : déposez votre dossier de "
    "validation (s'il a été jugé incomplet, le motif figure ci-dessous).",
    (S.IN_PROGRESS, Pathway.TRAINING): "Votre parcours est en cours : période de mise en "
    "application professionnelle et mémoire.",
    (S.IN_PROGRESS, Pathway.FREE): "Votre parcours est en cours : épreuves, période de mise "
    "en application professionnelle et mémoire.",
}


def next_step(candidacy) -> str:
    if candidacy.status == S.IN_PROGRESS and candidacy.pathway != Pathway.VAE:
        return _training_hint(candidacy)
    specific = HINTS_BY_PATHWAY.get((candidacy.status, candidacy.pathway))
    return specific or HINTS.get(candidacy.status, "")


def _training_hint(candidacy) -> str:
    """What the title has: the sittings, its work placement, its memoir (a title may have
    neither of the last two)."""
    if candidacy.has_work_placement() and candidacy.has_memoir():
        return HINTS_BY_PATHWAY[(S.IN_PROGRESS, candidacy.pathway)]
    steps = ["épreuves"]
    if candidacy.has_work_placement():
        steps.append("période de mise en application professionnelle")
    if candidacy.has_memoir():
        steps.append("mémoire")
    return "Votre parcours est en cours : " + " et ".join(steps) + "."


# --- the dossier -----------------------------------------------------------------------


def candidacy_dossier(candidacy) -> dict:
    """Everything a dossier page shows about one candidacy (read-only)."""
    context = {
        "candidacy": candidacy,
        "blocks": list(candidacy.blocks.order_by("position")),
        "accommodations": list(
            candidacy.accommodations.filter(withdrawn_at__isnull=True).order_by("recorded_at")
        ),
        # The work placement and the memoir: every pathway but VAE.
        "is_training": candidacy.pathway != Pathway.VAE,
        "is_vae": candidacy.pathway == Pathway.VAE,
        "open": open_uploads(candidacy),
    }
    if context["is_training"]:
        context.update(_training(candidacy))
    if context["is_vae"]:
        context["admissibility_requests"] = list(
            candidacy.admissibility_requests.select_related("document")
        )
        context["validation_files"] = list(candidacy.validation_files.select_related("document"))
    context["documents"] = _documents(context)
    return context


def _training(candidacy) -> dict:
    placements = list(
        candidacy.placements.select_related("attestation").prefetch_related("periods")
    )
    for placement in placements:
        placement.total_days = sum(period.days_worked for period in placement.periods.all())
    memoir = services.memoir_summary(candidacy)
    deadline = memoir["deadline"]
    return {
        "placements": placements,
        "placement_summary": services.placement_summary(candidacy),
        "memoir": memoir,
        "memoir_days_left": (deadline - timezone.localdate()).days if deadline else None,
    }


def _documents(context) -> list[dict]:
    """The dossier's current documents, most recent first."""
    found = []
    memoir = (context.get("memoir") or {}).get("memoir")
    if memoir is not None and memoir.document_id:
        found.append(("Mémoire", memoir.document))
    for placement in context.get("placements", []):
        if placement.attestation_id:
            found.append(
                (f"Attestation de stage — {placement.host_structure}", placement.attestation)
            )
    for request in context.get("admissibility_requests", []):
        if request.document_id:
            found.append(("Demande de recevabilité", request.document))
    for vfile in context.get("validation_files", []):
        found.append(("Dossier de validation", vfile.document))
    found.sort(key=lambda item: item[1].uploaded_at, reverse=True)
    return [{"label": label, "document": document} for label, document in found]
