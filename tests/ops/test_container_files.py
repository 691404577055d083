"""Dockerfile and compose.yaml reference only what exists. No Docker engine runs on our
machines (CI builds no image): this reads both files and checks every command, path, module
and variable they name against the repository (docs/deployment.md: the image build itself
is verified where Docker exists)."""

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import resolve
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
SOURCES = "\n".join(
    p.read_text() for folder in ("config", "acquis") for p in (REPO / folder).rglob("*.py")
)
# Variables read by Python, the shell or the tools rather than by our settings.
OUTSIDE = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "DJANGO_SETTINGS_MODULE"}
OUTSIDE |= {"UV_COMPILE_BYTECODE", "UV_LINK_MODE", "UV_PYTHON_DOWNLOADS", "PIP_NO_CACHE_DIR"}


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def env_of(arguments: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(arguments))


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load((REPO / "compose.yaml").read_text())


def acquis_commands(text: str) -> set[str]:
    return set(re.findall(r"\bacquis\"?,? \"?([a-z_]+)", text))


def test_the_image_is_multi_stage_non_root_and_copies_what_exists():
    steps = instructions()
    stages = [args for op, args in steps if op == "FROM"]
    assert len(stages) == 2 and stages[0].endswith("AS build") and stages[1].endswith("AS runtime")
    runtime = steps[[op for op, _ in steps].index("FROM", 1) :]
    assert ("COPY", "--from=build --chown=root:root /app /app") in runtime
    users = [args for op, args in runtime if op == "USER"]
    assert users == ["acquis"]
    for op, args in steps:
        if op == "COPY" and "--from" not in args:
            for source in args.split()[:-1]:
                assert (REPO / source).exists(), f"COPY {source} : absent du dépôt"
    build_runs = " ".join(args for op, args in steps[: len(steps) - len(runtime)] if op == "RUN")
    assert "uv sync --frozen --no-dev" in build_runs  # runtime dependencies only
    assert "collectstatic --no-input" in build_runs


def test_every_command_module_and_variable_named_exists(compose):
    steps = instructions()
    text = (REPO / "Dockerfile").read_text() + (REPO / "compose.yaml").read_text()
    commands = acquis_commands(text)
    assert commands == {"collectstatic", "serve", "migrate", "db_worker", "backup"}
    assert commands <= set(get_commands())
    env = {}
    for op, args in steps:
        if op == "ENV":
            env |= env_of(args)
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
    assert (REPO / "config" / "settings" / "prod.py").is_file()
    names = set(env) | set(compose["x-acquis"]["environment"])
    for name in names - OUTSIDE:
        assert f'"{name}"' in SOURCES, f"{name} : aucune lecture de cette variable"
    healthcheck = next(args for op, args in steps if op == "HEALTHCHECK")
    assert resolve(re.search(r"http://127\.0\.0\.1:8000(/[a-z/]*)", healthcheck)[1]).view_name == (
        "public:health_live"
    )
    assert env["ACQUIS_BIND"].endswith(":8000") and ("EXPOSE", "8000") in steps


def test_compose_runs_postgresql_web_and_worker_with_the_volumes(compose):
    services = compose["services"]
    assert services["db"]["image"] == "postgres:15"
    assert services["web"]["command"] == ["acquis", "serve"]
    assert services["worker"]["command"][:2] == ["acquis", "db_worker"]
    assert services["migrate"]["command"] == ["acquis", "migrate", "--no-input"]
    image_env = {}
    for op, args in instructions():
        if op == "ENV":
            image_env |= env_of(args)
    common = compose["x-acquis"]
    mounts = dict(volume.split(":", 1) for volume in common["volumes"])
    assert mounts["media"] == image_env["ACQUIS_MEDIA_ROOT"]
    for key in ("ACQUIS_PDF_SIGNING_KEY", "ACQUIS_PDF_SIGNING_CERT", "ACQUIS_BADGE_KEY_FILE"):
        assert str(Path(image_env[key]).parent) == mounts["keys"]
    assert set(compose["volumes"]) == {"pgdata", "media", "keys"}
    assert common["build"] == "." and (REPO / "Dockerfile").is_file()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (REPO / "compose.yaml").read_text()))
    example = (REPO / "docs" / "deployment.env.example").read_text()
    assert required == {"POSTGRES_PASSWORD", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"}
    assert all(re.search(rf"^{name}=", example, re.M) for name in required)
