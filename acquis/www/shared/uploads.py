"""The uploads a dossier page offers (memoir, work placement attestation, VAE admissibility
request, VAE validation file): which one is open now and why not, and the one handler both
audiences use; the file always goes through the domain verb.

Openness follows the domain: the transition table of acquis.candidates.enums for the VAE
steps, and the rule of the services (`_require_training`: any pathway but VAE, candidacy
still active) for the memoir and the attestation. The verbs check again when they
run; the attestation verb checks nothing about the candidacy, hence the check here.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render

from acquis.candidates import services
from acquis.candidates.enums import ACTIVE, CandidacyStatus, Pathway
from acquis.errors import AcquisError
from acquis.www.shared.upload_form import UploadForm

S = CandidacyStatus


def _training_refusal(candidacy, what: str, section: str) -> str:
    if candidacy.pathway == Pathway.VAE:
        return (
            f"{what} ne concerne pas la voie VAE (dossier de validation et oral) ; cette "
            "candidature suit la voie « VAE »."
        )
    has = candidacy.has_memoir() if section == "memoir" else candidacy.has_work_placement()
    if not has:
        return f"{what} ne concerne pas ce titre : « {candidacy.version.title} » n'en comporte pas."
    if candidacy.status not in ACTIVE:
        return (
            f"Cette candidature n'est plus en cours (« {candidacy.get_status_display()} ») : "
            "le dépôt est fermé."
        )
    return ""


def _vae_refusal(candidacy, what: str, verb: str) -> str:
    if candidacy.pathway != Pathway.VAE:
        return (
            f"{what} concerne la voie VAE ; cette candidature suit la voie "
            f"« {candidacy.get_pathway_display()} »."
        )
    if services.verb_available(candidacy, verb):
        return ""
    if verb == "submit_validation_file" and candidacy.status in (
        S.REGISTERED,
        S.ADMISSIBILITY_PENDING,
        S.ADMISSIBILITY_INCOMPLETE,
        S.NOT_ADMISSIBLE,
    ):
        return "Le dossier de validation se dépose une fois la demande de recevabilité acceptée."
    return f"Pas de dépôt possible dans l'état actuel : « {candidacy.get_status_display()} »."


@dataclass(frozen=True)
class Upload:
    """One kind of upload: its words, the verb it calls and when it is open."""

    key: str
    title: str
    field_label: str
    button: str
    success: str
    anchor: str

    def refusal(self, candidacy) -> str:
        """Why this upload is closed for the candidacy ("" when it is open)."""
        return REFUSALS[self.key](candidacy)

    def warning(self, candidacy) -> str:
        """What the candidate must know before replacing a file ("" when nothing)."""
        if self.key != "memoir":
            return ""
        memoir = services.memoir_summary(candidacy)
        if not any(part["check"] is not None for part in memoir["parts"]):
            return ""
        return (
            "Votre mémoire a déjà été vérifié par le certificateur. Un nouveau fichier "
            "remplace l'ancien : chacune de ses parties sera vérifiée à nouveau (les "
            "vérifications de l'ancien fichier restent dans l'historique), et l'oral du "
            "mémoire attend que toutes soient confirmées."
        )

    def confirmation(self, candidacy, memoir: dict | None = None) -> str:
        """The box to tick before replacing a memoir whose parts were confirmed ("" when
        nothing would be undone); `memoir`: its summary when the page has read it already."""
        if self.key != "memoir":
            return ""
        parts = (memoir or services.memoir_summary(candidacy))["parts"]
        confirmed = sum(1 for part in parts if part["confirmed"])
        if not confirmed:
            return ""
        plural = "s" if confirmed > 1 else ""
        return (
            f"J'ai compris : le nouveau fichier annule la vérification de {confirmed} "
            f"partie{plural} déjà confirmée{plural} ; le certificateur les vérifiera à "
            "nouveau avant l'oral."
        )

    def run(self, candidacy, upload, *, actor, placement=None):
        if self.key == "attestation":
            return services.attach_placement_attestation(placement, upload=upload, actor=actor)
        verb = {
            "memoir": services.submit_memoir,
            "admissibility": services.request_admissibility,
            "validation_file": services.submit_validation_file,
        }[self.key]
        return verb(candidacy, upload=upload, actor=actor)


REFUSALS = {
    "memoir": lambda c: _training_refusal(c, "Le mémoire", "memoir"),
    "attestation": lambda c: _training_refusal(c, "L'attestation de stage", "placement"),
    "admissibility": lambda c: _vae_refusal(c, "La recevabilité", "request_admissibility"),
    "validation_file": lambda c: _vae_refusal(
        c, "Le dossier de validation", "submit_validation_file"
    ),
}

UPLOADS = {
    "memoir": Upload(
        "memoir",
        "Déposer le mémoire",
        "Fichier du mémoire",
        "Déposer le mémoire",
        "Votre mémoire est déposé.",
        "memoire",
    ),
    "attestation": Upload(
        "attestation",
        "Déposer l'attestation de stage",
        "Fichier de l'attestation",
        "Déposer l'attestation",
        "L'attestation de stage est déposée.",
        "stage",
    ),
    "admissibility": Upload(
        "admissibility",
        "Déposer la demande de recevabilité",
        "Fichier de la demande de recevabilité",
        "Déposer la demande",
        "Votre demande de recevabilité est déposée : le certificateur va l'examiner.",
        "recevabilite",
    ),
    "validation_file": Upload(
        "validation_file",
        "Déposer le dossier de validation",
        "Fichier du dossier de validation",
        "Déposer le dossier",
        "Votre dossier de validation est déposé : le certificateur va l'examiner.",
        "dossier-de-validation",
    ),
}


def open_uploads(candidacy) -> dict[str, bool]:
    return {key: not upload.refusal(candidacy) for key, upload in UPLOADS.items()}


def upload_form(
    upload: Upload, data=None, files=None, *, auto_id="id_%s", candidacy=None, memoir=None
) -> UploadForm:
    confirm_label = upload.confirmation(candidacy, memoir) if candidacy is not None else ""
    return UploadForm(
        data, files, label=upload.field_label, auto_id=auto_id, confirm_label=confirm_label
    )


def handle_upload(request, candidacy, key, *, template, done_url, placement=None):
    """GET: the upload page; POST: run the verb, then back to the dossier, or the errors."""
    upload = UPLOADS[key]
    refusal = upload.refusal(candidacy)
    warning = "" if refusal else upload.warning(candidacy)
    form = None
    if not refusal:
        if request.method == "POST":
            form = upload_form(upload, request.POST, request.FILES, candidacy=candidacy)
        else:
            form = upload_form(upload, candidacy=candidacy)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            upload.run(
                candidacy, form.cleaned_data["file"], actor=request.user, placement=placement
            )
        except AcquisError as exc:
            form.add_domain_error(exc)
        else:
            if warning:
                messages.warning(
                    request,
                    f"{upload.success} Le certificateur vérifiera à nouveau chacune de ses "
                    "parties.",
                )
            else:
                messages.success(request, upload.success)
            return redirect(f"{done_url}#{upload.anchor}")
    context = {
        "candidacy": candidacy,
        "upload": upload,
        "form": form,
        "refusal": refusal,
        "warning": warning,
        "placement": placement,
        "done_url": done_url,
    }
    return render(request, template, context)
