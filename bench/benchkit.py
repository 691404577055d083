"""What every bench shares, so that each measures what a certifier's server runs.

- **Production settings**: `prod_env()` gives the environment of `config.settings.prod`
  (DEBUG off, a strong key, the public address) around a temporary ACQUIS_VAR_DIR; the dev
  settings force DEBUG on whatever DEBUG=0 says, and DEBUG keeps the SQL of every statement.
- **DEBUG really off**: `check_production()` runs *inside* the measured process, after
  `django.setup()`, and stops the bench when DEBUG is on or the settings are not the
  production ones.
- **CPU beside wall**: `Clock` measures both; on a machine loaded by other work the wall
  time moves by a factor of 2, the CPU time of the measured process hardly moves.
- **Median of 3**: `RUNS` repetitions, `median()` reported, every value kept.
- **Machine load**: `load()` and `load_line()` (load averages over 1, 5 and 15 minutes).
"""

from __future__ import annotations

import os
import resource
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
ACQUIS = BIN / "acquis"
RUNS = 3
PRODUCTION_SETTINGS = ("config.settings.prod", "autosave_settings")


def prod_env(var_dir: Path | str, **extra: str) -> dict[str, str]:
    """The environment of a production process on a fresh SQLite database in `var_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ACQUIS_"))}
    for name in ("DATABASE_URL", "SQLITE_PATH", "DEBUG"):
        env.pop(name, None)
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SITE_URL": "https://127.0.0.1",
            "ACQUIS_VAR_DIR": str(var_dir),
            "ACQUIS_LOG_REQUESTS": "false",
            # The demo subscribes a webhook receiver on the loopback, in plain HTTP.
            "ACQUIS_WEBHOOK_ALLOW_HTTP": "true",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
        | extra
    )


def check_production() -> None:
    """Inside the measured process, after django.setup(): production settings, DEBUG off."""
    from django.conf import settings

    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if settings.DEBUG or module not in PRODUCTION_SETTINGS:
        sys.exit(f"Banc invalide : DEBUG={settings.DEBUG}, réglages {module or '(aucun)'}")


def acquis_command() -> str:
    for candidate in (Path(sys.executable).with_name("acquis"), ACQUIS):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("acquis")
    if not found:
        sys.exit("commande « acquis » introuvable (environnement virtuel du projet ?)")
    return found


class Clock:
    """`with Clock() as c:` then c.wall and c.cpu (seconds of this process, user + system)."""

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        return False


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def median(values) -> float:
    return statistics.median(values)


def summarise(samples: list[dict]) -> dict:
    """The median of every numeric figure of the runs, and the runs themselves."""
    keys = [k for k, v in samples[0].items() if isinstance(v, int | float)]
    return {k: median([s[k] for s in samples]) for k in keys} | {"runs": samples}


def load() -> dict:
    one, five, fifteen = os.getloadavg()
    return {"load1": one, "load5": five, "load15": fifteen, "cpus": os.cpu_count()}


def load_line() -> str:
    figures = load()
    return (
        f"charge moyenne {figures['load1']:.2f} / {figures['load5']:.2f} / "
        f"{figures['load15']:.2f} (1, 5, 15 min) sur {figures['cpus']} cœurs"
    )


def run_acquis(env: dict[str, str], *args: str) -> str:
    """`acquis ARGS` in `env`; stops the bench with its error output when it fails."""
    import subprocess

    proc = subprocess.run(
        [acquis_command(), *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"acquis {' '.join(args)} : échec\n{proc.stderr[-3000:]}")
    return proc.stdout


def prepare_demo(env: dict[str, str], *, demo: bool = True) -> None:
    """A fresh production database: migrations, signing keys, static files (the production
    storage reads their manifest), then the demo data unless `demo` is false."""
    run_acquis(env, "migrate", "--no-input", "-v0")
    run_acquis(env, "credentials_key")
    run_acquis(env, "credentials", "keygen")
    run_acquis(env, "collectstatic", "--no-input", "-v0")
    if demo:
        run_acquis(env, "demo")


def verified_client(email: str):
    """Django's test client logged in as `email` with a verified second factor (production
    settings ask staff and jurors for one), sending its requests as HTTPS."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from acquis.organisations.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="banc", confirmed=True)

    class HttpsClient(Client):
        """Every request as HTTPS (production redirects plain HTTP)."""

        def get(self, path, *args, **kwargs):
            return super().get(path, *args, **kwargs | {"secure": True})

        def post(self, path, *args, **kwargs):
            return super().post(path, *args, **kwargs | {"secure": True})

    client = HttpsClient()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def check_command_env(env: dict[str, str]) -> None:
    """For a bench that measures an `acquis` command: the same environment, asked through
    `acquis shell`, runs the production settings with DEBUG off (the production settings
    set DEBUG = False whatever the environment, and refuse DEBUG=1)."""
    out = run_acquis(
        env,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SETTINGS_MODULE)",
    )
    debug, module = out.strip().splitlines()[-1].split()
    if debug != "False" or module not in PRODUCTION_SETTINGS:
        sys.exit(f"Banc invalide : DEBUG={debug}, réglages {module}")
