from acquis.errors import AcquisError


class EvaluationError(AcquisError):
    """An evaluation action refused, with a French message (and the failed rules if any)."""
