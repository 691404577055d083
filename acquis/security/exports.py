"""Exports in the audit trail: who downloaded which export of personal data, when."""

from acquis.audit.services import record_event


def audit_export(request, kind: str, **details) -> None:
    """One `export.downloaded` event (CSV/XLSX of candidacies, statistics, accrochage XML)."""
    record_event(
        "export.downloaded",
        request.user,
        actor=request.user,
        payload={"kind": kind, **{k: v for k, v in details.items() if v not in (None, "")}},
    )
