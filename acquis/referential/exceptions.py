from acquis.errors import AcquisError


class ReferentialError(AcquisError):
    """A referential action refused; `problems` are the file's issues (path, line)."""
