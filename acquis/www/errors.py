"""Showing a domain refusal (`AcquisError`) on a form: one rule for every page."""

from acquis.errors import AcquisError


def add_to_form(form, error: AcquisError) -> None:
    """Each problem beside the field it names; the message above the form, with the problems
    that name no field of this form (what is missing, the rules that failed), unless every
    problem sits beside its field."""
    beside = [p for p in error.problems if getattr(p, "field", None) in form.fields]
    above = [str(p.message) for p in error.problems if p not in beside]
    if above or not error.problems:
        form.add_error(None, [error.message, *above])
    for problem in beside:
        form.add_error(problem.field, str(problem.message))
