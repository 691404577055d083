"""The large columns of the referential's rows, left unread where a row is only listed.

A version carries the whole normalised referential, its rules, the review notes and the
targeted jobs as JSON; a block its activities and source texts. A choice list, a table row or
a heading shows titles and numbers: decoding these columns for every row was most of the CPU
of the list pages (one version per candidacy, session, deliberation or training). Code that
reads one of them on such an instance still gets it (one query: deferred fields), so leaving
them out is safe wherever a page reads them for one row at most.
"""

VERSION_HEAVY = ("document", "rules", "review_notes", "targeted_jobs")
BLOCK_HEAVY = ("activities", "source_competencies", "source_evaluation")


def light_versions(queryset, prefix: str = ""):
    """`queryset` without the versions' large columns (`prefix`: "version__" through a
    relation)."""
    return queryset.defer(*(prefix + name for name in VERSION_HEAVY))


def light_blocks(queryset, prefix: str = ""):
    """`queryset` without the blocks' large columns (`prefix` as for `light_versions`)."""
    return queryset.defer(*(prefix + name for name in BLOCK_HEAVY))
