"""Deployment checks (`acquis check --deploy`): what would break a production start, said in
French with the fix. The same tests back /sante/pret/ (acquis.ops.health)."""

from django.core import checks

from acquis.ops import health


@checks.register(checks.Tags.security, deploy=True)
def production_files(app_configs, **kwargs):
    found = []
    for code, check in (("acquis.E001", health.keys), ("acquis.E002", health.static_files)):
        result = check()
        if not result.ok:
            found.append(checks.Error(result.message, id=code))
    return found
