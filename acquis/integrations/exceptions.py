from acquis.errors import AcquisError


class IntegrationError(AcquisError):
    """An API client or webhook action refused, with a French message (and its field)."""
