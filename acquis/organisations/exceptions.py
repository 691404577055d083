from acquis.errors import AcquisError


class OrganisationError(AcquisError):
    """An action on organisations, users or roles refused.

    `field` names the input at fault (as the forms name it: "siret", "role", "password"...);
    the detailed messages (the password validators' reasons, for instance) are its problems.
    """

    def __init__(self, message: str, *, field: str | None = None, issues=None):
        super().__init__(message, issues, field=field)
