"""One error shape for every domain: a French message, and the problems behind it.

Every domain exception derives from `AcquisError`, so a view, a command or the API catches
one class and finds the same attributes whatever the domain:
- `message`: one French sentence for the user;
- `problems`: the details, each with the field (form input, file column) or the line (file
  import) it concerns when there is one. A problem is a `Problem` or any object with a
  `message` attribute (a domain may carry richer problems: the panel validator's rule and
  juror, for instance).
"""

import errno
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings


class Problem(str):
    """A message that may name the field (form input, file column) or the line it concerns.

    A `str`, so that a problem reads, compares and prints as its message.
    """

    field: str | None
    line: int | None

    def __new__(cls, message: str, field: str | None = None, line: int | None = None):
        problem = super().__new__(cls, message)
        problem.field = field
        problem.line = line
        return problem

    @property
    def message(self) -> str:
        return str.__str__(self)

    def __reduce__(self):
        return (Problem, (self.message, self.field, self.line))


def as_problems(problems: Iterable[Any] | Mapping[str, str] | None) -> list[Any]:
    """Normalise what a caller gives: messages, problems, or {field: message}."""
    if problems is None:
        return []
    if isinstance(problems, Mapping):
        return [Problem(str(message), field=field) for field, message in problems.items()]
    return [item if hasattr(item, "message") else Problem(str(item)) for item in problems]


class AcquisError(Exception):
    """An action refused, with a French message and the problems that refused it."""

    def __init__(
        self,
        message: str,
        problems: Iterable[Any] | Mapping[str, str] | None = None,
        *,
        field: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.problems = as_problems(problems)
        if field is not None:
            # A refusal about one input: its details (or the message itself) go beside it.
            self.problems = [
                Problem(p.message, field=field, line=p.line)
                if isinstance(p, Problem) and p.field is None
                else p
                for p in self.problems
            ] or [Problem(message, field=field)]

    @property
    def field(self) -> str | None:
        """The first field a problem names (the input at fault), if any."""
        return next((p.field for p in self.problems if getattr(p, "field", None)), None)

    @property
    def messages(self) -> list[str]:
        """The problems' messages, in order (the message alone when there is none)."""
        return [str(p.message) for p in self.problems] or [self.message]

    def field_messages(self) -> dict[str | None, list[str]]:
        """{field or None: [messages]}: what a form shows beside each input."""
        found: dict[str | None, list[str]] = {}
        for problem in self.problems:
            found.setdefault(getattr(problem, "field", None), []).append(str(problem.message))
        return found

    def problem_for(self, field: str) -> str | None:
        """The first message about `field`, if any."""
        messages = self.field_messages().get(field)
        return messages[0] if messages else None


def storage_error_message(error: OSError) -> str:
    """A file that could not be written (media folder missing, read-only, full), in French."""
    reasons = {
        errno.EACCES: "accès refusé",
        errno.EPERM: "opération non permise",
        errno.EROFS: "système de fichiers en lecture seule",
        errno.ENOSPC: "disque plein",
        errno.ENOENT: "dossier introuvable",
        errno.EDQUOT: "quota du disque dépassé",
    }
    reason = reasons.get(error.errno, "erreur d'écriture")
    return (
        f"le fichier n'a pas pu être écrit ({reason}) : vérifiez que le dossier des fichiers "
        f"({settings.MEDIA_ROOT}) existe et est accessible en écriture."
    )
