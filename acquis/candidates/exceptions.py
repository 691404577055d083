class CandidateError(Exception):
    """A candidate action refused. `errors` maps a field name to its French message."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})
