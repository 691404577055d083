"""Decisions (once the PV is signed), issued documents, badges, accrochage per holder."""

from ninja import Path, Query, Router

from acquis.api import access, render
from acquis.api.auth import require
from acquis.api.ops import ID, ListParams, errors, scoped
from acquis.api.pagination import paginate
from acquis.api.routes_evaluations import _page
from acquis.api.schemas import AccrochageOut, BadgeOut, DecisionOut, IssuedDocumentOut, page_of
from acquis.integrations.enums import Scope

router = Router()
RESULTS, DOCUMENTS = Scope.RESULTS_READ, Scope.DOCUMENTS_READ


def _decisions(request):
    return access.decisions(request.auth).prefetch_related("blocks__block")


@router.get(
    "/decisions",
    response={200: page_of(DecisionOut), **errors(400, 422)},
    **scoped(
        RESULTS,
        "Décisions des jurys",
        "Visibles une fois le procès-verbal signé par tous ses membres (`signed_at`).",
    ),
)
def list_decisions(
    request, params: ListParams = Query(...), candidacy_id: int | None = Query(None, **ID)
):
    require(request, RESULTS)
    rows = _decisions(request)
    if candidacy_id:
        rows = rows.filter(candidacy=candidacy_id)
    return _page(rows, params, "signed_at", render.decision)


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionOut, **errors(404, 422)},
    **scoped(RESULTS, "Une décision"),
)
def get_decision(request, decision_id: int = Path(..., **ID)):
    require(request, RESULTS)
    return render.decision(access.get_or_404(_decisions(request), "Décision", pk=decision_id))


@router.get(
    "/accrochage",
    response={200: page_of(AccrochageOut), **errors(400, 422)},
    **scoped(
        RESULTS,
        "Déclaration des titulaires à la Caisse des Dépôts (accrochage), par décision",
        "`status` : not_declared, exported, accepted (accrochageOk) ou rejected (accrochageKo).",
    ),
)
def list_accrochage(request, params: ListParams = Query(...)):
    require(request, RESULTS)
    rows, cursor = paginate(
        access.accrochage(request.auth).select_related("candidacy"),
        field="signed_at",
        cursor=params.cursor,
        limit=params.limit,
        updated_since=params.updated_since,
    )
    return {"items": [render.accrochage(r) for r in rows], "next_cursor": cursor}


@router.get(
    "/issued-documents",
    response={200: page_of(IssuedDocumentOut), **errors(400, 422)},
    **scoped(DOCUMENTS, "Documents délivrés (certificats, attestations, lettres, PV)"),
)
def list_documents(request, params: ListParams = Query(...)):
    require(request, DOCUMENTS)
    return _page(
        access.issued_documents(request.auth), params, "changed_at", render.issued_document
    )


@router.get(
    "/issued-documents/{document_id}",
    response={200: IssuedDocumentOut, **errors(404, 422)},
    **scoped(DOCUMENTS, "Un document délivré (et son adresse de vérification)"),
)
def get_document(request, document_id: int = Path(..., **ID)):
    require(request, DOCUMENTS)
    row = access.get_or_404(access.issued_documents(request.auth), "Document", pk=document_id)
    return render.issued_document(row)


@router.get(
    "/badges",
    response={200: page_of(BadgeOut), **errors(400, 422)},
    **scoped(DOCUMENTS, "Badges numériques (Open Badges 3.0) délivrés"),
)
def list_badges(request, params: ListParams = Query(...), decision: int | None = Query(None, **ID)):
    require(request, DOCUMENTS)
    rows = access.badges(request.auth)
    if decision:
        rows = rows.filter(decision=decision)
    return _page(rows, params, "changed_at", render.badge)


@router.get(
    "/badges/{badge_id}",
    response={200: BadgeOut, **errors(404, 422)},
    **scoped(DOCUMENTS, "Un badge signé"),
)
def get_badge(request, badge_id: int = Path(..., **ID)):
    require(request, DOCUMENTS)
    return render.badge(access.get_or_404(access.badges(request.auth), "Badge", pk=badge_id))
