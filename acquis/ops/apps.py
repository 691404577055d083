from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "acquis.ops"
    label = "ops"
    verbose_name = "Exploitation"

    def ready(self) -> None:
        from acquis.ops import checks  # noqa: F401 - registers the deployment checks
