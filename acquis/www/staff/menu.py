"""The staff menu: every page of « Gestion » reachable, grouped by the work it serves, with
the current page marked.

Each entry owns the URL names of its pages (the list and its detail pages): the page whose
URL name is the entry's own is marked `aria-current="page"`; a detail page under an entry
marks that entry `aria-current="true"`, so that the person sees where she is.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    owns: tuple[str, ...] = ()
    """Other URL names (detail and action pages) that belong to this entry."""
    admin_only: bool = False


@dataclass(frozen=True)
class Group:
    label: str
    entries: tuple[Entry, ...]


# The follow-up's detail pages (campaigns and satisfaction) belong to its menu entry.
FOLLOWUP_PAGES = (
    "staff_survey",
    "staff_survey_action",
    "staff_satisfaction",
    "staff_satisfaction_session",
    "staff_satisfaction_deliberation",
)
DASHBOARD = Entry("À suivre", "staff_dashboard")
GROUPS = (
    Group(
        "Candidats",
        (
            Entry(
                "Candidatures",
                "staff_candidacies",
                (
                    "staff_candidacy",
                    "staff_candidate",
                    "staff_candidate_edit",
                    "staff_candidacy_new",
                ),
            ),
            Entry("Nouveau candidat", "staff_candidate_new"),
            Entry("Promotions", "staff_cohorts", ("staff_cohort_import", "staff_import_mapping")),
        ),
    ),
    Group(
        "Épreuves",
        (
            Entry(
                "Sessions",
                "staff_sessions",
                (
                    "staff_session",
                    "staff_session_edit",
                    "staff_slot",
                    "staff_slot_edit",
                    "staff_slot_convocation",
                    "staff_session_deliverables",
                    "staff_slot_consolidation",
                ),
            ),
            Entry("Calendrier", "staff_calendar"),
        ),
    ),
    Group(
        "Jurys",
        (
            Entry("Jurés", "staff_jurors"),
            Entry(
                "Délibérations",
                "staff_deliberations",
                ("staff_deliberation", "staff_deliberation_decide", "staff_decision_correction"),
            ),
        ),
    ),
    Group(
        "Documents",
        (
            Entry(
                "Documents délivrés",
                "staff_credentials",
                (
                    "staff_issued_document",
                    "staff_document_detail",
                    "staff_deliberation_documents",
                    "staff_document_preview",
                ),
            ),
            Entry("Validations partielles", "staff_expiries"),
        ),
    ),
    Group(
        "Pilotage",
        (
            Entry("Statistiques", "staff_statistics"),
            Entry("Accrochage CDC", "staff_accrochage", ("staff_accrochage_report",)),
            Entry("Devenir des titulaires", "staff_surveys", FOLLOWUP_PAGES),
            Entry("Renouvellement RNCP", "staff_renewal"),
        ),
    ),
    Group(
        "Administration",
        (
            Entry(
                "Référentiels",
                "staff_referentials",
                ("staff_versions", "staff_referential_load"),
            ),
            Entry("Certificateur", "staff_certifier_choice"),
            Entry("Utilisateurs", "staff_users"),
            Entry("Partenaires", "staff_partners", ("staff_partner_create",)),
            Entry("Courriels envoyés", "staff_emails", ("staff_email_resend",)),
            Entry(
                "API et webhooks",
                "staff_api_clients",
                ("staff_api_client_create", "staff_webhook_deliveries"),
                admin_only=True,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: str
    """"page" (this very page), "true" (a page under this entry) or "" (elsewhere)."""


def _link(entry: Entry, url_name: str) -> Link:
    if url_name == entry.url_name:
        current = "page"
    elif url_name in entry.owns:
        current = "true"
    else:
        current = ""
    return Link(entry.label, _url(entry.url_name, get_script_prefix(), get_urlconf()), current)


@lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, urlconf) -> str:
    """The menu's addresses, reversed once per process (per prefix and URLconf: the keys of
    the cache) instead of some twenty `reverse` calls on every staff page."""
    return reverse(url_name, urlconf=urlconf)


def staff_menu(url_name: str | None, *, is_admin: bool) -> dict:
    """The dashboard link and the groups, each link knowing whether it is the current page."""
    url_name = url_name or ""
    groups = []
    for group in GROUPS:
        links = [
            _link(entry, url_name) for entry in group.entries if is_admin or not entry.admin_only
        ]
        if links:
            groups.append({"label": group.label, "links": links})
    return {"dashboard": _link(DASHBOARD, url_name), "groups": groups}
