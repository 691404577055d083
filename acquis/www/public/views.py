"""Public pages: a certification's referential, as a reader would want to study it."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from acquis.referential.enums import DECISION_LABELS, VersionStatus
from acquis.referential.models import (
    Assessment,
    Block,
    Certification,
    CertificationVersion,
    Competency,
)


def home(request):
    certifications = (
        Certification.objects.with_public_versions()
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=CertificationVersion.objects.published().order_by("-number"),
                to_attr="public_versions",
            )
        )
        .order_by("title")
    )
    return render(request, "www/public/home.html", {"certifications": certifications})


def referential(request, code, number=None):
    certification = get_object_or_404(Certification, code=code)
    versions = certification.versions.exclude(status=VersionStatus.DRAFT)
    if number is None:
        version = versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    else:
        version = versions.filter(number=number).first()
    if version is None:
        raise Http404("Aucune version publiée de ce référentiel.")
    blocks = Block.objects.filter(version=version).prefetch_related(
        Prefetch(
            "competencies",
            queryset=Competency.objects.prefetch_related(
                "criteria",
                Prefetch("assessments", queryset=Assessment.objects.only("code", "title")),
            ),
        )
    )
    assessments = Assessment.objects.filter(version=version).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.select_related("block")),
        "deliverables",
        "own_criteria",
    )
    context = {
        "certification": certification,
        "version": version,
        "other_versions": versions.exclude(pk=version.pk).order_by("-number"),
        "blocks": blocks,
        "assessments": assessments,
        "rules": version.rules,
        "decision_labels": DECISION_LABELS,
        "counts": _counts(blocks),
    }
    return render(request, "www/public/referential.html", context)


def _counts(blocks) -> dict:
    competencies = [c for b in blocks for c in b.competencies.all()]
    return {
        "blocks": len(blocks),
        "competencies": len(competencies),
        "criteria": sum(len(c.criteria.all()) for c in competencies),
    }
