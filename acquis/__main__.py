"""The `acquis` console script: Django's management commands (acquis migrate, ...).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (`make run` says
config.settings.dev, the tests config.settings.test)."""

import sys

from django.core.management import execute_from_command_line
from django.db import OperationalError

from config.startup import configure


def main() -> None:
    configure()
    try:
        execute_from_command_line(["acquis", *sys.argv[1:]])
    except OperationalError as exc:
        # An unreachable database is an operator's setting, not a bug: one French line.
        detail = " ".join(str(exc).split())[:300]
        sys.stderr.write(
            f"Base de données injoignable : vérifiez DATABASE_URL et que le serveur répond "
            f"({detail}).\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
