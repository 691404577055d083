from acquis.errors import AcquisError


class EmailError(AcquisError):
    """A refused action on the e-mail log (French message)."""
