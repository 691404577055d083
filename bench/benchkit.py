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
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://127.0.0.1",
            "ACQUIS_VAR_DIR": str(var_dir),
            "ACQUIS_LOG_REQUESTS": "false",
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
