"""Referentials (read): certifications, versions with blocks, competencies, criteria."""

from django.db.models import Prefetch
from ninja import Path, Query, Router

from acquis.api import access
from acquis.api.auth import require
from acquis.api.ops import ID, ListParams, errors, scoped
from acquis.api.pagination import paginate
from acquis.api.schemas import CertificationOut, VersionDetail, VersionOut, page_of
from acquis.integrations.enums import Scope
from acquis.referential.models import Assessment, Block, Competency, Criterion

router = Router()
READ = Scope.REFERENTIALS_READ


@router.get(
    "/certifications",
    response={200: list[CertificationOut], **errors()},
    **scoped(READ, "Certifications du certificateur, avec leurs versions"),
)
def list_certifications(request):
    require(request, READ)
    versions = access.versions(request.auth).order_by("number")
    rows = access.certifications(request.auth).prefetch_related(
        Prefetch("versions", versions, to_attr="visible_versions")
    )
    return [
        {
            "code": c.code,
            "title": c.title,
            "registry_number": c.registry_number,
            "versions": [
                {"id": v.pk, "number": v.number, "status": v.status} for v in c.visible_versions
            ],
        }
        for c in rows.order_by("code")
    ]


def _version(v) -> dict:
    return {
        "id": v.pk,
        "certification": v.certification.code,
        "number": v.number,
        "status": v.status,
        "title": v.title,
        "level": v.level,
        "registry_number": v.registry_number,
        "updated_at": v.updated_at,
    }


@router.get(
    "/versions",
    response={200: page_of(VersionOut), **errors(400, 422)},
    **scoped(READ, "Versions publiées (ou retirées) des référentiels"),
)
def list_versions(request, params: ListParams = Query(...)):
    require(request, READ)
    rows, cursor = paginate(
        access.versions(request.auth).defer("document"),
        field="updated_at",
        cursor=params.cursor,
        limit=params.limit,
        updated_since=params.updated_since,
    )
    return {"items": [_version(v) for v in rows], "next_cursor": cursor}


@router.get(
    "/versions/{version_id}",
    response={200: VersionDetail, **errors(404, 422)},
    **scoped(READ, "Une version : blocs, compétences, critères, épreuves"),
)
def get_version(request, version_id: int = Path(..., **ID)):
    require(request, READ)
    criteria = Prefetch("criteria", Criterion.objects.order_by("position"))
    version = access.get_or_404(
        access.versions(request.auth).prefetch_related(
            Prefetch(
                "blocks",
                Block.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "competencies",
                        Competency.objects.order_by("position").prefetch_related(criteria),
                    )
                ),
            ),
            Prefetch(
                "assessments",
                Assessment.objects.order_by("position").prefetch_related(
                    "competencies", Prefetch("own_criteria", Criterion.objects.order_by("position"))
                ),
            ),
        ),
        "Version",
        pk=version_id,
    )
    return {
        **_version(version),
        "blocks": [
            {
                "code": b.code,
                "registry_code": b.registry_code,
                "title": b.title,
                "required_for_title": b.required_for_title,
                "obtainable_separately": b.obtainable_separately,
                "competencies": [
                    {
                        "code": c.code,
                        "statement": c.statement,
                        "modality_kind": c.modality_kind,
                        "criteria": [{"code": k.code, "text": k.text} for k in c.criteria.all()],
                    }
                    for c in b.competencies.all()
                ],
            }
            for b in version.blocks.all()
        ],
        "assessments": [
            {
                "code": a.code,
                "title": a.title,
                "kind": a.kind,
                "duration_minutes": a.duration_minutes,
                "final": a.final,
                "pathways": list(a.pathways),
                "competencies": [c.code for c in a.competencies.all()],
                "criteria": [{"code": k.code, "text": k.text} for k in a.own_criteria.all()],
            }
            for a in version.assessments.all()
        ],
    }
