from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "acquis.evaluations"
    label = "evaluations"
    verbose_name = "Évaluations"

    def ready(self):
        from acquis.evaluations import signals  # noqa: F401 - connects the receivers
