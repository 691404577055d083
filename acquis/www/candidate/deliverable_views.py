"""The candidate's preparatory deliverables (/mon-dossier/livrables/): upload before the
deadline through acquis.evaluations.deliverables; a slot of another candidate is 404."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from acquis.errors import AcquisError
from acquis.evaluations import deliverables
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.models import DeliverableSubmission, Slot
from acquis.www.candidate.perms import (
    candidate_required,
    candidate_role_organisations,
    own_candidacies,
)
from acquis.www.shared.upload_form import UploadForm

TEMPLATE = "www/candidate/deliverables.html"


def _own_slots(user):
    """The user's slots whose sitting asks for deliverables (cancelled ones left out)."""
    return (
        Slot.objects.filter(candidacy__in=own_candidacies(user))
        .filter(assessment__deliverables__isnull=False)
        .exclude(status=SlotStatus.CANCELLED)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session", "assessment", "candidacy__version")
        .distinct()
        .order_by("starts_at", "pk")
    )


def _form(slot, deliverable, data=None, files=None) -> UploadForm:
    return UploadForm(
        data,
        files,
        label=f"Fichier du livrable {deliverable.code} — {deliverable.title}",
        auto_id=f"id_livrable_{slot.pk}_{deliverable.pk}_%s",
    )


@dataclass
class Item:
    deliverable: object
    submission: object = None
    previous: int = 0
    form: UploadForm | None = None
    anchor: str = ""


@dataclass
class SlotBlock:
    slot: Slot
    locked: bool
    open: bool
    items: list[Item] = field(default_factory=list)


def _blocks(user, bound=None) -> list[SlotBlock]:
    """Every own slot with its deliverables; `bound` = (slot pk, deliverable pk, form)."""
    slots = list(_own_slots(user))
    counting = deliverables.current_for_slots(slots)
    counts = {
        (row["slot_id"], row["deliverable_id"]): row["n"]
        for row in DeliverableSubmission.objects.filter(slot__in=slots)
        .values("slot_id", "deliverable_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    blocks = []
    for slot in slots:
        locked = deliverables.is_locked(slot.session)
        block = SlotBlock(slot, locked, not locked and slot.status == SlotStatus.SCHEDULED)
        for deliverable in deliverables.required(slot):
            key = (slot.pk, deliverable.pk)
            item = Item(
                deliverable,
                counting.get(key),
                max(counts.get(key, 0) - 1, 0),
                anchor=f"livrable-{slot.pk}-{deliverable.pk}",
            )
            if block.open:
                if bound and bound[:2] == key:
                    item.form = bound[2]
                else:
                    item.form = _form(slot, deliverable)
            block.items.append(item)
        blocks.append(block)
    return blocks


def _render(request, *, bound=None, status=200):
    if request.candidate is None:
        organisations = candidate_role_organisations(request.user)
        return render(request, "www/candidate/not_opened.html", {"organisations": organisations})
    context = {
        "blocks": _blocks(request.user, bound),
        "error_form": bound[2] if bound else None,
    }
    return render(request, TEMPLATE, context, status=status)


@require_GET
@candidate_required
def deliverables_page(request):
    return _render(request)


@candidate_required
@require_POST
def upload(request, slot_pk, deliverable_pk):
    slot = _own_slots(request.user).filter(pk=slot_pk).first()
    if slot is None:
        raise Http404("Créneau introuvable.")
    deliverable = deliverables.required(slot).filter(pk=deliverable_pk).first()
    if deliverable is None:
        raise Http404("Livrable introuvable.")
    form = _form(slot, deliverable, request.POST, request.FILES)
    if form.is_valid():
        try:
            deliverables.upload_deliverable(
                slot, deliverable, upload=form.cleaned_data["file"], actor=request.user
            )
        except deliverables.DeliverableFileError as exc:
            form.add_error("file", str(exc))
        except AcquisError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Livrable {deliverable.code} déposé pour l'épreuve {slot.assessment.code}.",
            )
            url = reverse("candidate:deliverables")
            return redirect(f"{url}#livrable-{slot.pk}-{deliverable.pk}")
    return _render(request, bound=(slot.pk, deliverable.pk, form))
