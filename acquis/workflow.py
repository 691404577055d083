"""The one helper that applies a declared transition: look up, lock, check, save, audit.

Every workflow of the product (candidacy, referential version, evaluation session, slot,
deliberation, issuing batch) declares its states and moves once, as data, in its app's
`enums.py`; `Workflow` binds that table to its model and its French refusal, and
`Workflow.apply` is the only code that changes the state:
1. the row is locked (`SELECT … FOR UPDATE`) inside the caller's transaction, so two
   concurrent moves are applied one after the other, each seeing the other's result;
2. the move is looked up in the table from the state read under the lock (and its guard,
   e.g. the candidacy's pathway, checked); a move that is not declared is refused with the
   workflow's French message;
3. the new state (and any field that moves with it) is saved;
4. an audit event `<prefix><verb>` (e.g. `candidacy.start`) records from/to, the actor
   and the payload, in the same transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from acquis.audit.services import record_event
from acquis.errors import AcquisError

Entry = Any  # a table value: the verb, or a tuple whose first item is the verb


def _verb_of(entry: Entry) -> str:
    return entry if isinstance(entry, str) else entry[0]


def _always(obj: models.Model, entry: Entry) -> bool:
    return True


def _default_refusal(obj: Any, to_status: str) -> str:
    return f"Action impossible : {obj._meta.verbose_name} est « {obj.get_status_display()} »."


@dataclass(frozen=True)
class Workflow:
    """A state machine declared as data: {(from, to): verb or (verb, …)}."""

    event_prefix: str
    table: Mapping[tuple[Any, Any], Entry]  # (from, to): TextChoices members or strings
    error: type[AcquisError]
    refusal: Callable[[Any, str], str] = _default_refusal
    guard: Callable[[Any, Entry], bool] = _always
    field: str = "status"

    def verb(self, obj: models.Model, to_status: str) -> str | None:
        """The verb of the move from `obj`'s current state to `to_status`, if allowed."""
        entry = self.table.get((getattr(obj, self.field), to_status))
        if entry is None or not self.guard(obj, entry):
            return None
        return _verb_of(entry)

    def moves_from(self, obj: models.Model) -> list[tuple[str, Entry]]:
        """(to_status, entry) of every move allowed from `obj`'s current state."""
        state = getattr(obj, self.field)
        return [
            (to, entry)
            for (frm, to), entry in self.table.items()
            if frm == state and self.guard(obj, entry)
        ]

    def lock(self, obj: models.Model, *related: str) -> Any:
        """`obj`'s row, locked for the rest of the transaction (with `related` joined)."""
        query = type(obj)._default_manager.select_for_update(of=("self",) if related else ())
        return query.select_related(*related).get(pk=obj.pk)

    @transaction.atomic
    def apply(
        self,
        obj: models.Model,
        to_status: str,
        *,
        actor,
        payload: dict | None = None,
        verb: str | None = None,
        fields: dict | None = None,
    ):
        """Move `obj` to `to_status`; returns `obj`, updated (its row saved under lock).

        `verb`: the move must be this one (a dedicated verb may not take another move that
        happens to lead to the same state). `fields`: other columns that change with the
        state.
        """
        locked = self.lock(obj)
        found = self.verb(locked, to_status)
        if found is None or (verb is not None and found != verb):
            raise self.error(self.refusal(locked, to_status))
        from_status = getattr(locked, self.field)
        changes = {self.field: to_status, **(fields or {})}
        for instance in (locked, obj):
            for name, value in changes.items():
                setattr(instance, name, value)
        locked.save(update_fields=list(changes))
        record_event(
            f"{self.event_prefix}{found}",
            locked,
            actor=actor,
            from_state=from_status,
            to_state=to_status,
            payload=payload or {},
        )
        return obj


# --- predicates read from a table (what a model says about its state) ----------------------


def verbs_from(
    table: Mapping[Any, Entry],
    state: str,
    allows: Callable[[Entry], bool] = lambda entry: True,
) -> frozenset[str]:
    """The verbs of the moves `table` allows from `state` (`allows`: the entry's guard).

    Models derive their predicates from it (`Candidacy.can_request_admissibility`,
    `Deliberation.can_close`…): a template asks the model, never compares state strings,
    and the table stays the only copy of the workflow.
    """
    return frozenset(
        _verb_of(entry) for (frm, _), entry in table.items() if frm == state and allows(entry)
    )


def is_final(table: Mapping[Any, Entry], state: str) -> bool:
    """No move leaves `state`: the end of the workflow."""
    return not any(frm == state for frm, _ in table)
