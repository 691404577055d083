"""No double booking: a juror, or a room, is never in two overlapping sittings of the
certifier, whatever the session.

A sitting's jurors are its assessors; a slot of a panel not yet confirmed has none assigned
yet, so its jurors are then the whole panel of its session (by default every panel member
sits). A room is the slot's room at the session's place (the same room name at two places
is two rooms); a slot without a room, or of a remote session, books no room.

`clashes` reads every other sitting that could overlap in a constant number of queries and
returns one French sentence per clash, naming the person or the room, both times and both
sessions.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from acquis.evaluations.conflicts import folded
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.models import PanelMember, Slot, SlotAssessor

# No sitting lasts longer (480 minutes planned, plus extra time): the window read around
# the sittings checked.
LONGEST_SITTING = timedelta(hours=12)


@dataclass
class Sitting:
    """A sitting as it would be: its times, jurors and room (an existing slot or a new one)."""

    session: Any  # an EvaluationSession, saved or being edited
    starts_at: datetime
    ends_at: datetime
    jurors: dict[int, str] = field(default_factory=dict)  # juror id -> name
    room: str = ""
    slot_id: int | None = None
    # True when the jurors are the slot's own (assigned or chosen), False when they are the
    # panel by default: two sittings of one session clash on a juror only when both are
    # firm (before confirmation, the panel's overlaps are the OVERLAP rule's business).
    firm: bool = True

    @property
    def room_key(self) -> tuple[str, str] | None:
        if self.session.remote or not self.room.strip():
            return None
        return (folded(self.session.place), folded(self.room))


def room_of(session, room: str) -> str:
    return f"salle {room}" if room and not session.remote else ""


def _times(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"de {start:%H:%M} à {end:%H:%M} le {start:%d/%m/%Y}"


def _where(sitting: Sitting) -> str:
    room = room_of(sitting.session, sitting.room)
    return f"session « {sitting.session.title} »" + (f", {room}" if room else "")


def sitting_of(slot, *, panel: dict[int, str] | None = None) -> Sitting:
    """An existing slot as a sitting: its assessors (prefetched `assessor_links`), else the
    panel given (the session's panel while its assessors are not assigned)."""
    links = list(slot.assessor_links.all())
    jurors = {link.juror_id: str(link.juror) for link in links} if links else dict(panel or {})
    return Sitting(
        session=slot.session,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        jurors=jurors,
        room=slot.room,
        slot_id=slot.pk,
        firm=bool(links),
    )


def panel_names(session) -> dict[int, str]:

    members = PanelMember.objects.filter(session=session).select_related("juror__user")
    return {m.juror_id: str(m.juror) for m in members.order_by("pk")}


def other_sittings(certifier_id, start, end, *, exclude_ids=()) -> list[Sitting]:
    """The scheduled sittings of the certifier that may overlap [start, end), with their
    jurors (3 queries whatever their number)."""

    slots = (
        Slot.objects.filter(
            session__certifier_id=certifier_id,
            status=SlotStatus.SCHEDULED,
            starts_at__lt=end,
            starts_at__gt=start - LONGEST_SITTING,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .exclude(pk__in=list(exclude_ids))
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "assessor_links",
                queryset=SlotAssessor.objects.select_related("juror__user").order_by("pk"),
            ),
            Prefetch(
                "session__panel",
                queryset=PanelMember.objects.select_related("juror__user").order_by("pk"),
            ),
        )
    )
    result = []
    for slot in slots:
        panel = {m.juror_id: str(m.juror) for m in slot.session.panel.all()}
        result.append(sitting_of(slot, panel=panel))
    return result


def clashes(
    certifier_id, sittings: list[Sitting], *, exclude_ids=(), jurors=True, within=True
) -> list[str]:
    """Every double booking of the given sittings with the other sittings of the certifier
    (and between themselves), as French sentences. `exclude_ids`: slots not to compare with
    (those being changed). `jurors=False` checks the rooms only; `within=False` does not
    compare the given sittings between themselves (they move together)."""
    if not sittings:
        return []
    start = min(s.starts_at for s in sittings)
    end = max(s.ends_at for s in sittings)
    ids = set(exclude_ids) | {s.slot_id for s in sittings if s.slot_id}
    others = other_sittings(certifier_id, start, end, exclude_ids=ids)
    found, seen = [], set()
    for index, sitting in enumerate(sittings):
        for other in others + (sittings[index + 1 :] if within else []):
            if not (sitting.starts_at < other.ends_at and other.starts_at < sitting.ends_at):
                continue
            tail = (
                f" ; ce créneau irait {_times(sitting.starts_at, sitting.ends_at)} "
                f"({_where(sitting)})."
            )
            same = sitting.session.pk == other.session.pk
            if jurors and (not same or (sitting.firm and other.firm)):
                for juror_id in sorted(set(sitting.jurors) & set(other.jurors)):
                    key = (juror_id, other.slot_id, other.starts_at)
                    if key in seen:
                        continue
                    seen.add(key)
                    found.append(
                        f"{other.jurors[juror_id]} siège déjà "
                        f"{_times(other.starts_at, other.ends_at)} ({_where(other)})" + tail
                    )
            if sitting.room_key and sitting.room_key == other.room_key:
                found.append(
                    f"La salle {other.room} ({other.session.place}) est déjà occupée "
                    f"{_times(other.starts_at, other.ends_at)} ({_where(other)})" + tail
                )
    return found
