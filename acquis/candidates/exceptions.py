class CandidateError(Exception):
    """A candidate action refused. `errors` maps a field name to its French message;
    `problems` lists what is missing, one French line each, when there are several."""

    def __init__(
        self, message: str, errors: dict[str, str] | None = None, problems: list | None = None
    ):
        super().__init__(message)
        self.errors = dict(errors or {})
        self.problems = list(problems or [])
