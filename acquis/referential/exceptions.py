class ReferentialError(Exception):
    """A referential action refused, with a French message for the user."""

    def __init__(self, message: str, issues=None):
        super().__init__(message)
        self.issues = list(issues or [])
