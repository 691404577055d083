"""Every page of every role, at a phone, a tablet and a laptop width (390, 768, 1366 px):
the document never scrolls sideways and no two visible controls overlap (Chromium).

The pages are those of the permission matrix (tests/www/permissions/): each URL a role may
open (200), on the same arranged data, visited once by the first role of ROLE_ORDER allowed
to see it (the staff header is the widest), and the public pages once more without logging
in. One browser, one context per role (logged in by its session cookie), the viewport resized
in place.
Screenshots of a few key pages go to tests/artefacts/screenshots/ (git-ignored, never
compared): to look at, not to assert on."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client

from tests.browser.conftest import LAUNCH_ARGS, _wait_for_request_threads
from tests.conftest import CHROMIUM
from tests.www.permissions.test_matrix import MATRIX, matrix_context  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Layout is CSS and markup: the database under the pages changes nothing the test
    # measures, and the PostgreSQL run of every page is the permission matrix's. Run once.
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="Mise en page mesurée une fois (SQLite) : elle ne dépend pas de la base.",
    ),
]

WIDTHS = (390, 768, 1366)
# Who visits a page: the first of these allowed to open it.
ROLE_ORDER = ("administrateur", "jure", "partenaire", "candidat", "anonyme")
SCREENSHOTS = Path(django_settings.BASE_DIR) / "tests" / "artefacts" / "screenshots"
# Files, not pages (PDF, CSV, calendars, images, JSON): not even requested, some take a
# while to build. Any other non-HTML answer is skipped too, and named in the summary.
DOWNLOADS = {
    "api-v1:openapi-json", "public:badge_achievement_image", "public:badge_issuer_profile",
    "public:badge_status_list", "candidate:badge", "candidate:badge_image",
    "candidate:convocation_ics",
    "candidate:document_europass", "candidate:issued_document", "documents:download",
    "public:health_live", "jury:convocation_ics", "jury:grid_pdf", "jury:minutes_pdf",
    "partner:results_export", "staff:accrochage_download", "staff:badge_download",
    "staff:candidacies_export_csv", "staff:candidacies_export_xlsx", "staff:document_europass",
    "staff:document_preview", "staff:grid_pdf", "staff:import_template", "staff:issued_document",
    "staff:slot_consolidation_pdf", "staff:statistics_export",
}  # fmt: skip
# Key pages kept as pictures (URL name → file stem), at every width.
KEY_PAGES = {
    "accounts:login": "connexion",
    "staff:dashboard": "gestion-a-suivre",
    "staff:candidacies": "gestion-candidatures",
    "staff:session": "gestion-session",
    "jury:home": "jure-accueil",
    "jury:grid": "jure-grille",
    "candidate:dossier": "candidat-dossier",
    "partner:candidacies": "partenaire-candidatures",
    "public:verify_document": "verification-publique",
}

# Measured in the page: the horizontal overflow of the document, and the pairs of visible
# interactive controls whose boxes intersect (neither inside the other).
MEASURE = """() => {
  const doc = document.documentElement;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(selector)].filter((el) => {
    // Not rendered: display none, visibility hidden, the inside of a closed <details>.
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return false;
    const box = el.getBoundingClientRect();
    // Visually hidden (the skip link, .visually-hidden) or off-screen: not a visible control.
    return box.width > 2 && box.height > 2 && box.right > 0 && box.left < doc.scrollWidth;
  });
  const name = (el) => {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name
      || el.id || '').trim();
    return `${el.tagName.toLowerCase()} « ${text.slice(0, 40)} »`;
  };
  // Clipped by a scrolling ancestor (a wide table in its wrapper): compare what is shown.
  const shown = (el, rect) => {
    let r = {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const c = p.getBoundingClientRect();
        r = {left: Math.max(r.left, c.left), right: Math.min(r.right, c.right),
             top: Math.max(r.top, c.top), bottom: Math.min(r.bottom, c.bottom)};
      }
    }
    return r;
  };
  const boxes = controls.map((el) => [...el.getClientRects()].map((r) => shown(el, r))
    .filter((r) => r.right - r.left > 1 && r.bottom - r.top > 1));
  const overlaps = [];
  for (let i = 0; i < controls.length && overlaps.length < 5; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      const hit = boxes[i].some((p) => boxes[j].some((q) =>
        Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 &&
        Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1));
      if (hit) { overlaps.push(`${name(a)} / ${name(b)}`); break; }
    }
  }
  // What sticks out: the outermost elements wider than the window (to name in the failure).
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter((el) => {
    if (scrolls(el)) return false;  // inside a scrolling region (a wide table): it may
    const r = el.getBoundingClientRect();
    const p = el.parentElement && el.parentElement.getBoundingClientRect();
    return r.right > doc.clientWidth + 1 && p && p.right <= doc.clientWidth + 1;
  }).slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
    + `(${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, overlaps, out};
}"""


def _pages(ctx) -> dict[str, list[tuple[str, str]]]:
    """Role → [(URL name, URL)] it visits."""
    pages: dict[str, list] = {role: [] for role in ROLE_ORDER}
    # To look at a few pages only while working on them: ACQUIS_LAYOUT_PAGES=name,name
    only = {n for n in os.environ.get("ACQUIS_LAYOUT_PAGES", "").split(",") if n}
    for name in sorted(only or MATRIX.keys() - DOWNLOADS):
        build, expected, *_ = MATRIX[name]
        role = next((r for r in ROLE_ORDER if expected.get(r) == 200), None)
        if role is not None:
            pages[role].append((name, build(ctx)))
        if role not in (None, "anonyme") and expected.get("anonyme") == 200:
            pages["anonyme"].append((name, build(ctx)))  # public: seen without the menus too
    return pages


def _session_cookie(live_server, user) -> list[dict]:
    """A logged-in session (second factor verified, as tests/conftest.py's client gives)
    handed to the browser: no login form to fill for every role."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]


def test_no_page_scrolls_sideways_nor_overlaps_its_controls(
    live_server,
    personas,
    matrix_context,  # noqa: F811 (the fixture imported above)
    settings,
):
    settings.SITE_URL = live_server.url
    ctx = matrix_context
    while ctx._pending:  # every area arranged: every page has something to show
        ctx._run(ctx._pending[0])
    pages = _pages(ctx)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Sessions made before Playwright's loop runs: ORM calls made inside it use connections
    # local to that loop (closed below, or PostgreSQL cannot drop the test database).
    cookies = {r: _session_cookie(live_server, personas[r]) if personas[r] else [] for r in pages}
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import Error, sync_playwright

    started, visited, skipped, failures = time.monotonic(), 0, [], []
    TIMES = {"chargement": 0.0, "mesure": 0.0}  # noqa: N806 (printed at the end)
    baseline = __import__("threading").active_count()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        for role in ROLE_ORDER:
            context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
            if cookies[role]:
                context.add_cookies(cookies[role])
            page = context.new_page()
            page.set_default_timeout(15000)
            for name, url in pages[role]:
                t0 = time.monotonic()
                try:
                    response = page.goto(live_server.url + url)
                except Error:  # a download (PDF, CSV, calendar): no page to lay out
                    skipped.append(name)
                    continue
                kind = response.headers.get("content-type", "") if response else ""
                if not kind.startswith("text/html"):
                    skipped.append(name)
                    continue
                visited += 1
                TIMES["chargement"] += time.monotonic() - t0
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    t0 = time.monotonic()
                    found = page.evaluate(MEASURE)
                    TIMES["mesure"] += time.monotonic() - t0
                    if found["scrollWidth"] > found["clientWidth"] + 1:
                        failures.append(
                            f"{width} px {role} {url} : la page défile sur le côté "
                            f"({found['scrollWidth']} px pour {found['clientWidth']} : "
                            f"{', '.join(found['out'])})"
                        )
                    for pair in found["overlaps"]:
                        failures.append(f"{width} px {role} {url} : contrôles superposés {pair}")
                    if name in KEY_PAGES:
                        page.screenshot(
                            path=SCREENSHOTS / f"{KEY_PAGES[name]}-{role}-{width}.png",
                            full_page=True,
                        )
            context.close()
        connections.close_all()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    _wait_for_request_threads(baseline)
    elapsed = time.monotonic() - started
    print(
        f"\n{visited} pages × {len(WIDTHS)} largeurs en {elapsed:.1f} s "
        f"(chargement {TIMES['chargement']:.1f} s, mesure {TIMES['mesure']:.1f} s) ; "
        f"non HTML : {sorted(set(skipped))}"
    )
    if not os.environ.get("ACQUIS_LAYOUT_PAGES"):
        assert visited > 50, f"trop peu de pages visitées ({visited})"
    assert failures == [], "\n".join(failures)
