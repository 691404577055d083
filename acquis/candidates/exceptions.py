from acquis.errors import AcquisError


class CandidateError(AcquisError):
    """A candidate action refused; `problems` name the field at fault when there is one
    (a mapping {field: message} is accepted for that)."""
