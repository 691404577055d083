from acquis.errors import AcquisError


class JuryError(AcquisError):
    """A jury action refused, with a French message (and the failed rules if any)."""


class FrozenDecisionError(JuryError):
    """A decision whose minutes are signed never changes: a correction is a new decision."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Décision signée : elle ne peut plus être modifiée. Une correction est une "
            "nouvelle décision, motivée, dans une nouvelle délibération."
        )
