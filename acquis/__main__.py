"""The `acquis` console script: Django's management commands (acquis migrate, ...).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (`make run` says
config.settings.dev, the tests config.settings.test)."""

import sys

from config.startup import configure


def main() -> None:
    configure()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["acquis", *sys.argv[1:]])


if __name__ == "__main__":
    main()
