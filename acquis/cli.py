"""The base of Acquis's own `acquis` commands (imports, exports, keys, backups, maintenance…).

Django runs its system checks before a command unless the command says otherwise; the checks
load the whole URL conf (every page's views, the API's schemas), about two seconds of CPU on
a small server, for a command that serves no page. Acquis's commands do their own checks of
what they use (the database, the keys, the files) and say what is wrong in French; the system
checks run where they matter: `acquis serve` before serving, `acquis migrate`, and
`acquis check --deploy` (docs/deployment.md). `--skip-checks` is thus the default here.
"""

from django.core.management.base import BaseCommand


class AcquisCommand(BaseCommand):
    requires_system_checks: list[str] = []
