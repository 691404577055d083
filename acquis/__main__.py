"""The `acquis` console script: Django's management commands (acquis migrate, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["acquis", *sys.argv[1:]])


if __name__ == "__main__":
    main()
