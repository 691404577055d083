from acquis.errors import AcquisError


class FollowupError(AcquisError):
    """A refused action on insertion surveys, with its French message."""
