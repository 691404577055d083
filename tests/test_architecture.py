"""The layout of acquis/ (docs/architecture.md), checked from the source.

- No import cycle between modules of acquis/ (module-level imports, strongly connected
  components of the import graph): a shared piece moves into a lower module instead.
- Layers: nothing outside acquis.www imports the web pages; nothing outside acquis.www and
  acquis.api imports the HTTP API.
- Audiences of the web pages (acquis/www/<audience>/): none imports another audience; what
  several use lives in acquis/www/shared/ (which imports no audience) or in a top-level
  module of acquis/www/.
- No import inside a function (a hidden cycle), except in apps.py (an AppConfig is imported
  before the models: its imports wait for `ready`), the heavy libraries kept lazy so that
  every `acquis` command starts fast (LAZY), and an import whose comment gives that start-up
  reason ("start-up:", docs/testing.md "Démarrage"); Django's start-up loads none of them.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "acquis"

# Heavy libraries imported where they serve, never at start-up: about 1 s of CPU at every
# start of the `acquis` command if they were (docs/testing.md, "Démarrage").
LAZY = {"pyhanko", "pyhanko_certvalidator", "pyld", "typst", "openpyxl", "pikepdf"}
# Our own modules built on them at module level (the PAdES signature parts of pyHanko).
LAZY_MODULES = {"acquis.credentials.pades"}
# What Django's start-up (every `acquis` command) must not load: the libraries above, and
# those the "start-up:" imports keep away (icalendar, segno, cryptography's X.509: about
# 0.8 s of CPU together at each start, measured on `acquis --help`).
NOT_AT_START_UP = (
    LAZY
    | LAZY_MODULES
    | {"icalendar", "segno", "cryptography.x509", "acquis.credentials.signing"}
    | {"acquis.credentials.badges", "acquis.security.twofactor"}
    | {"acquis.evaluations.convocations"}
)
START_UP_REASON = "start-up:"


def _excluded(module: str) -> bool:
    # Every module of acquis/ is checked, the demo package included.
    return False


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()
PACKAGES = {module for module, path in MODULES.items() if path.name == "__init__.py"}


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The acquis modules an import statement loads (the longest known prefix of each name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if path.name != "__init__.py":
                package.pop()
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        # `from acquis.x import y` loads acquis.x, and acquis.x.y when y is a module.
        names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
    targets = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            targets.append(name)
    return targets


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path):
    """(import node, enclosing function or None) of a module, TYPE_CHECKING blocks left out."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, function))
            elif not _is_type_checking(child):
                visit(child, function)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), None)
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for node, function in _imports(path):
            if function is None:
                targets.update(_targets(module, path, node))
        graph[module] = targets
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components of more than one module (or a module
    importing itself), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return sorted(found)


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": {"f"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"], ["f"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    graph = {
        module: {target for target in targets if not _excluded(target)}
        for module, targets in _graph().items()
        if not _excluded(module)
    }
    cycles = strongly_connected(graph)
    assert not cycles, "Import cycles (move the shared piece into a lower module):\n" + "\n".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def _layer_violations(graph, layer: str, allowed: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if not module.startswith(allowed)
        for target in targets
        if target == layer or target.startswith(layer + ".")
    )


def test_the_domain_never_imports_the_web_pages_nor_the_api():
    graph = _graph()
    assert _layer_violations(graph, "acquis.www", ("acquis.www",)) == []
    assert _layer_violations(graph, "acquis.api", ("acquis.api", "acquis.www")) == []


# Packages of acquis/www/ that are not an audience: what the audiences share, and Django's
# template tags (loaded by name from any template).
WWW_COMMON = {"shared", "templatetags"}


def _www_package(module: str) -> str | None:
    """The subpackage of acquis.www a module belongs to (None: a top-level module)."""
    parts = module.split(".")
    if parts[:2] != ["acquis", "www"] or len(parts) < 3:
        return None
    return parts[2] if f"acquis.www.{parts[2]}" in PACKAGES else None


def _audience_violations(graph, package_of) -> list[str]:
    """Imports of an audience's module by another audience, or by the shared code."""
    found = []
    for module, targets in graph.items():
        source = package_of(module)
        if source is None:
            continue
        for target in targets:
            audience = package_of(target)
            if audience is None or audience in WWW_COMMON or audience == source:
                continue
            found.append(f"{module} imports {target}")
    return sorted(found)


def test_the_audience_rule_finds_an_audience_importing_another():
    graph = {
        "acquis.www.jury.views": {"acquis.www.staff.views", "acquis.www.shared.screen"},
        "acquis.www.jury.perms": {"acquis.www.perms", "acquis.www.jury.forms"},
        "acquis.www.shared.screen": {"acquis.www.candidate.forms", "acquis.www.pagination"},
        "acquis.www.templatetags.dates": {"acquis.www.shared.screen"},
        "acquis.www.perms": {"acquis.juries.models"},
    }

    def package_of(module):
        parts = module.split(".")
        return parts[2] if len(parts) > 3 else None

    assert _audience_violations(graph, package_of) == [
        "acquis.www.jury.views imports acquis.www.staff.views",
        "acquis.www.shared.screen imports acquis.www.candidate.forms",
    ]


def test_no_audience_imports_another_audience():
    violations = _audience_violations(_graph(), _www_package)
    assert violations == [], (
        "Move what several audiences use into acquis/www/shared/:\n" + "\n".join(violations)
    )


def _gives_a_start_up_reason(lines: list[str], node: ast.stmt) -> bool:
    """A "start-up:" comment on the import's line or in the comment lines just above it."""
    if START_UP_REASON in lines[node.lineno - 1]:
        return True
    index = node.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        if START_UP_REASON in lines[index]:
            return True
        index -= 1
    return False


def test_imports_inside_functions_only_where_justified():
    found = []
    for module, path in MODULES.items():
        if _excluded(module) or path.name == "apps.py":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node, function in _imports(path):
            if function is None or _gives_a_start_up_reason(lines, node):
                continue
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            else:
                roots = {(node.module or "").split(".")[0]} if not node.level else {"acquis"}
                if node.module in LAZY_MODULES:
                    continue
            if not roots <= LAZY:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert found == [], "Imports inside functions (move them to the top of the module):\n" + (
        "\n".join(found)
    )


def _loaded_after(setup: str, modules) -> list[str]:
    """Which of `modules` a fresh interpreter has imported after Django's set-up and `setup`."""
    code = (
        f"import sys, django; django.setup(); {setup}; "
        f"print(' '.join(m for m in {sorted(modules)!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.split()


def test_django_start_up_loads_no_heavy_library():
    """What every `acquis` command pays: Django set up with the project's applications."""
    assert _loaded_after("pass", NOT_AT_START_UP) == []


def test_the_url_conf_loads_no_heavy_library():
    """Django's system checks (run by `serve`, `migrate`, `check`) load the URL conf: the
    views behind it must not load the heavy libraries at import either (a page imports them
    when it builds a file)."""
    setup = "from django.urls import get_resolver; get_resolver().url_patterns"
    assert _loaded_after(setup, LAZY | LAZY_MODULES) == []
