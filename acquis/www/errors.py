"""Showing a domain refusal (`AcquisError`) on a form: one rule for every page."""

from acquis.errors import AcquisError


def add_to_form(form, error: AcquisError) -> None:
    """Each problem beside the field it names (above the form when it names none that the
    form has); the message alone when the refusal has no detail."""
    if not error.problems:
        form.add_error(None, error.message)
        return
    for problem in error.problems:
        field = getattr(problem, "field", None)
        form.add_error(field if field in form.fields else None, str(problem.message))
