class EvaluationError(Exception):
    """An evaluation action refused, with a French message (and the failed rules if any)."""

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = list(problems or [])
