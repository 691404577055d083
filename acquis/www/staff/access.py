"""Object-level access of certifier staff: only their certifier's candidates and cohorts."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from acquis.candidates.models import Candidacy, Candidate, Cohort
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from acquis.referential.models import Block, CertificationVersion
from acquis.www.perms import staff_certifiers_for


def certifiers(user):
    """The certifiers whose data this staff user may see (one rule: perms.py)."""
    return staff_certifiers_for(user)


def current_certifier(user) -> Organisation:
    """The certifier a staff user works for (the first one when they have several)."""
    certifier = user.staff_certifiers().order_by("pk").first()
    if certifier is None:
        raise PermissionDenied("Aucun certificateur rattaché à ce compte.")
    return certifier


def candidates(user):
    return Candidate.objects.filter(certifier__in=certifiers(user))


def candidacies(user):
    return Candidacy.objects.filter(candidate__certifier__in=certifiers(user))


def cohorts(user):
    return Cohort.objects.filter(certifier__in=certifiers(user))


# The large JSON columns of a version (the whole normalised referential, its rules, the review
# notes, the targeted jobs) and of a block: a choice list or a table row shows titles and
# numbers, and decoding these columns for every row was most of the CPU of the staff lists.
# Code that reads one of them on such an instance still gets it (one query: deferred fields).
VERSION_HEAVY = ("document", "rules", "review_notes", "targeted_jobs")
BLOCK_HEAVY = ("activities", "source_competencies", "source_evaluation")


def light_versions(queryset, prefix: str = ""):
    """`queryset` without the versions' large columns (`prefix`: "version__" through a
    relation)."""
    return queryset.defer(*(prefix + name for name in VERSION_HEAVY))


def published_versions(user):
    return light_versions(
        CertificationVersion.objects.published()
        .filter(certification__owner__in=certifiers(user))
        .select_related("certification")
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.defer(*BLOCK_HEAVY)))
    )


def partners(user):
    return Organisation.objects.filter(
        kind=OrganisationKind.PARTNER, certifier__in=certifiers(user)
    )


def get_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("Introuvable.")
    return obj
