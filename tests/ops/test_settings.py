"""Safe by default: the entry points use the production settings, which refuse to start
unsafe (French message naming the variable, no traceback); `check --deploy` is clean with
the documented environment."""

import runpy
import subprocess
import sys

import pytest

from tests.ops.helpers import ACQUIS, REPO, production_env


def _prod(monkeypatch, **env):
    base = production_env(REPO / "var")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    documented = {k: base[k] for k in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")}
    for name, value in {**documented, **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_module("config.settings.prod")


def test_the_documented_environment_is_accepted(monkeypatch):
    settings = _prod(monkeypatch)
    assert settings["DEBUG"] is False and settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["CSRF_TRUSTED_ORIGINS"][-1] == "https://acquis.example.fr"
    assert settings["ACQUIS_CHECK_SITE_URL"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY : variable obligatoire"),
        ({"SECRET_KEY": "court"}, "SECRET_KEY : clé trop faible"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY : clé trop faible"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3w4v5" * 5}, "SECRET_KEY : clé trop faible"),
        ({"DEBUG": "true"}, "DEBUG : le mode débogage est refusé"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS : variable obligatoire"),
        ({"SITE_URL": None}, "SITE_URL : variable obligatoire"),
        ({"SITE_URL": "http://acquis.example.fr"}, "SITE_URL : une adresse « https://"),
        ({"SITE_URL": "https://ailleurs.fr"}, "« ailleurs.fr » n'est pas dans ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_an_unsafe_setting(monkeypatch, env, message):
    from config.env import ConfigurationError

    with pytest.raises(ConfigurationError, match=message):
        _prod(monkeypatch, **env)


def _run(args, env, **kwargs):
    return subprocess.run(  # noqa: S603 - our own entry points
        args, env=env, cwd=REPO, capture_output=True, text=True, check=False, timeout=120, **kwargs
    )


def test_the_entry_points_default_to_production_and_say_why_they_refuse(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    for args in ([ACQUIS, "check"], [sys.executable, "-c", "import config.wsgi"]):
        proc = _run(args, env)
        assert proc.returncode == 2, proc.stderr
        assert "réglages config.settings.prod" in proc.stderr
        assert "SECRET_KEY : variable obligatoire" in proc.stderr
        assert "Traceback" not in proc.stderr
    proc = _run([sys.executable, "-c", "import config.asgi"], env)
    assert proc.returncode == 2 and "SECRET_KEY" in proc.stderr and "Traceback" not in proc.stderr


def test_a_bad_proxy_header_is_named(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="https")
    proc = _run([ACQUIS, "check"], env)
    assert proc.returncode == 2
    assert "SECURE_PROXY_SSL_HEADER : « En-Tête: valeur » attendu" in proc.stderr


def test_check_deploy_prints_no_warning_with_the_documented_environment(prod_site):
    proc = _run([ACQUIS, "check", "--deploy"], prod_site.env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNINGS" not in proc.stderr + proc.stdout
    assert "System check identified no issues" in proc.stdout


def test_check_deploy_names_missing_keys_and_static_files(tmp_path):
    proc = _run([ACQUIS, "check", "--deploy"], production_env(tmp_path))
    assert proc.returncode != 0
    assert "(acquis.E001) Signature électronique impossible : clé introuvable" in proc.stderr
    assert "(acquis.E002) Fichiers statiques absents : lancez « acquis collectstatic" in proc.stderr


def test_make_run_says_dev_and_sets_site_url_from_host():
    """`make run HOST=…`: development settings, and SITE_URL (QR codes, PDFs, e-mails)
    follows HOST. The acquis command is replaced by one that prints what it receives."""
    probe = "sh -c 'echo \"$$SITE_URL $$DJANGO_SETTINGS_MODULE\"; exit 1' probe"  # $$: make's $
    proc = subprocess.run(  # noqa: S603 - make, on our own Makefile
        ["make", "-s", "-o", "install", "run", "HOST=127.0.0.1:8109", f"ACQUIS={probe}"],  # noqa: S607
        cwd=REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert proc.stdout.splitlines()[0] == "http://127.0.0.1:8109 config.settings.dev"


def test_an_unreachable_database_is_one_french_line(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://acquis@127.0.0.1:1/acquis")
    proc = _run([ACQUIS, "migrate", "--no-input"], env)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Base de données injoignable : vérifiez DATABASE_URL")
    assert "Traceback" not in proc.stderr
