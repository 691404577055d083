"""The staff menu: every page of « Gestion » reachable, grouped by the work it serves, with
the current page marked.

Each entry owns the URL names of its pages (the list and its detail pages): the page whose
URL name is the entry's own is marked `aria-current="page"`; a detail page under an entry
marks that entry `aria-current="true"`, so that the person sees where she is.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString


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
    "staff:survey",
    "staff:survey_action",
    "staff:satisfaction",
    "staff:satisfaction_session",
    "staff:satisfaction_deliberation",
)
DASHBOARD = Entry("À suivre", "staff:dashboard")
GROUPS = (
    Group(
        "Candidats",
        (
            Entry(
                "Candidatures",
                "staff:candidacies",
                (
                    "staff:candidacy",
                    "staff:candidate",
                    "staff:candidate_edit",
                    "staff:candidacy_new",
                ),
            ),
            Entry("Nouveau candidat", "staff:candidate_new"),
            Entry("Promotions", "staff:cohorts", ("staff:cohort_import", "staff:import_mapping")),
        ),
    ),
    Group(
        "Épreuves",
        (
            Entry(
                "Sessions",
                "staff:sessions",
                (
                    "staff:session",
                    "staff:session_edit",
                    "staff:slot",
                    "staff:slot_edit",
                    "staff:slot_convocation",
                    "staff:session_deliverables",
                    "staff:slot_consolidation",
                ),
            ),
            Entry("Calendrier", "staff:calendar"),
        ),
    ),
    Group(
        "Jurys",
        (
            Entry("Jurés", "staff:jurors"),
            Entry(
                "Délibérations",
                "staff:deliberations",
                ("staff:deliberation", "staff:deliberation_decide", "staff:decision_correction"),
            ),
        ),
    ),
    Group(
        "Documents",
        (
            Entry(
                "Documents délivrés",
                "staff:credentials",
                (
                    "staff:issued_document",
                    "staff:document_detail",
                    "staff:deliberation_documents",
                    "staff:document_preview",
                ),
            ),
            Entry("Validations partielles", "staff:expiries"),
        ),
    ),
    Group(
        "Pilotage",
        (
            Entry("Statistiques", "staff:statistics"),
            Entry("Accrochage CDC", "staff:accrochage", ("staff:accrochage_report",)),
            Entry("Devenir des titulaires", "staff:surveys", FOLLOWUP_PAGES),
            Entry("Renouvellement RNCP", "staff:renewal"),
        ),
    ),
    Group(
        "Administration",
        (
            Entry(
                "Référentiels",
                "staff:referentials",
                ("staff:versions", "staff:referential_load"),
            ),
            Entry("Certificateur", "staff:certifier_choice"),
            Entry("Utilisateurs", "staff:users"),
            Entry("Partenaires", "staff:partners", ("staff:partner_create",)),
            Entry("Courriels envoyés", "staff:emails", ("staff:email_resend",)),
            Entry(
                "API et webhooks",
                "staff:api_clients",
                ("staff:api_client_create", "staff:webhook_deliveries"),
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


def rendered_menu(view_name: str | None, *, is_admin: bool, certifier_name: str = "") -> SafeString:
    """The menu's HTML. It depends only on the page, the role and the chosen certifier's
    name: rendered once per process for each of them, its twenty-odd links cost nothing on
    the following pages (the template rendering was about a tenth of a staff page's CPU)."""
    return _rendered(view_name or "", is_admin, certifier_name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=1024)
def _rendered(view_name: str, is_admin: bool, certifier_name: str, prefix: str, urlconf) -> str:
    return render_to_string(
        "www/staff/nav_menu.html",
        {
            "staff_menu": staff_menu(view_name, is_admin=is_admin),
            "certifier_name": certifier_name,
        },
    )
