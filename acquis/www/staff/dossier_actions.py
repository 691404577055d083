"""The dossier page's actions: each validates its form, then calls one domain verb.

A handler returns (anchor, None, success message) or (form key, bound form with errors, "").
"""

from acquis.candidates import services
from acquis.candidates.exceptions import CandidateError
from acquis.errors import AcquisError
from acquis.www.errors import add_to_form
from acquis.www.staff import candidate_forms as f


def _run(form_key, form, call, message):
    if not form.is_valid():
        return form_key, form, ""
    try:
        call(form.cleaned_data)
    except AcquisError as exc:
        add_to_form(form, exc)
        return form_key, form, ""
    return form_key, None, message


def move(request, candidacy):
    form = f.MoveForm(request.POST)
    return _run("move", form, lambda d: services.move_candidacy(
        candidacy, d["to_status"], actor=request.user, reason=d["reason"],
        override_reason=d["override_reason"],
    ), "État de la candidature mis à jour.")  # fmt: skip


def placement(request, candidacy):
    form = f.PlacementForm(request.POST)
    return _run("placement", form, lambda d: services.record_placement(
        candidacy, actor=request.user, **d
    ), "Période de mise en application enregistrée.")  # fmt: skip


def period(request, candidacy):
    form = f.PeriodForm(request.POST)

    def call(d):
        placement = candidacy.placements.filter(pk=d.pop("placement")).first()
        if placement is None:
            raise CandidateError("Période de mise en application introuvable.")
        services.add_placement_period(placement, actor=request.user, **d)

    return _run("period", form, call, "Période ajoutée.")


def attestation(request, candidacy):
    form = f.UploadForm(request.POST, request.FILES)

    def call(d):
        placement = candidacy.placements.filter(pk=request.POST.get("placement")).first()
        if placement is None:
            raise CandidateError("Période de mise en application introuvable.")
        services.attach_placement_attestation(placement, upload=d["file"], actor=request.user)

    return _run("upload", form, call, "Attestation déposée.")


def memoir(request, candidacy):
    form = f.UploadForm(request.POST, request.FILES)
    return _run("upload", form, lambda d: services.submit_memoir(
        candidacy, upload=d["file"], actor=request.user
    ), "Mémoire déposé.")  # fmt: skip


def memoir_part(request, candidacy):
    form = f.MemoirPartForm(request.POST)
    return _run("memoir", form, lambda d: services.confirm_memoir_part(
        candidacy, part_code=d["part_code"], actor=request.user
    ), "Partie du mémoire confirmée.")  # fmt: skip


def memoir_part_missing(request, candidacy):
    form = f.MemoirPartMissingForm(request.POST)
    return _run("memoir", form, lambda d: services.check_memoir_part(
        candidacy, part_code=d["part_code"], present=False, reason=d["reason"],
        actor=request.user,
    ), "Partie du mémoire signalée manquante ; le candidat voit le motif.")  # fmt: skip


def admissibility_request(request, candidacy):
    form = f.UploadForm(request.POST, request.FILES)
    return _run("upload", form, lambda d: services.request_admissibility(
        candidacy, upload=d["file"], actor=request.user
    ), "Demande de recevabilité enregistrée.")  # fmt: skip


def admissibility_decision(request, candidacy):
    form = f.DecisionForm(request.POST, choices=f.ADMISSIBILITY_CHOICES)

    def call(d):
        pending = services.pending_admissibility_request(candidacy)
        services.decide_admissibility(pending, actor=request.user, **d)

    return _run("admissibility", form, call, "Décision de recevabilité enregistrée.")


def validation_file(request, candidacy):
    form = f.UploadForm(request.POST, request.FILES)
    return _run("upload", form, lambda d: services.submit_validation_file(
        candidacy, upload=d["file"], actor=request.user
    ), "Dossier de validation déposé.")  # fmt: skip


def validation_file_decision(request, candidacy):
    form = f.DecisionForm(request.POST, choices=f.VALIDATION_FILE_CHOICES)

    def call(d):
        pending = services.pending_validation_file(candidacy)
        services.decide_validation_file(pending, actor=request.user, **d)

    return _run("validation_file", form, call, "Décision sur le dossier enregistrée.")


def accommodation(request, candidacy):
    form = f.AccommodationForm(request.POST)
    return _run("accommodation", form, lambda d: services.add_accommodation(
        candidacy, actor=request.user, **d
    ), "Aménagement enregistré.")  # fmt: skip


def accommodation_withdraw(request, candidacy):
    form = f.MemoirPartForm({"part_code": request.POST.get("accommodation", "")})

    def call(d):
        item = candidacy.accommodations.filter(pk=d["part_code"]).first()
        if item is None:
            raise CandidateError("Aménagement introuvable.")
        services.withdraw_accommodation(item, actor=request.user)

    return _run("accommodation", form, call, "Aménagement retiré.")


ACTIONS = {
    "etat": move,
    "stage": placement,
    "periode": period,
    "attestation": attestation,
    "memoire": memoir,
    "partie-memoire": memoir_part,
    "partie-memoire-manquante": memoir_part_missing,
    "recevabilite": admissibility_request,
    "decision-recevabilite": admissibility_decision,
    "dossier-validation": validation_file,
    "decision-dossier": validation_file_decision,
    "amenagement": accommodation,
    "retrait-amenagement": accommodation_withdraw,
}
