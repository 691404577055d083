class OrganisationError(Exception):
    """An action on organisations, users or roles refused, with a French message for the user.

    `field` names the input at fault (as the forms name it: "siret", "role", "password"...)
    so that a page can show the message beside it; `issues` holds detailed messages (the
    password validators' reasons, for instance).
    """

    def __init__(self, message: str, *, field: str | None = None, issues=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.issues = list(issues or [])
