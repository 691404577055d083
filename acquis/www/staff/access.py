"""Object-level access of certifier staff: only their certifier's candidates and cohorts."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from acquis.candidates.models import Candidacy, Candidate, Cohort
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from acquis.referential.columns import BLOCK_HEAVY, light_versions
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
