"""The one place where an evaluation session changes state (SESSION_TRANSITIONS, audited).

Below the session verbs (services) and the planning of slots, which both move sessions."""

from acquis.evaluations.enums import SESSION_TRANSITIONS
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession
from acquis.workflow import Workflow

SESSION_WORKFLOW = Workflow(
    "session.",
    SESSION_TRANSITIONS,
    EvaluationError,
    refusal=lambda session, _to: (
        f"Action impossible : la session est « {session.get_status_display()} »."
    ),
)


def move_session(session: EvaluationSession, to_status: str, *, actor, payload=None):
    return SESSION_WORKFLOW.apply(session, to_status, actor=actor, payload=payload)
