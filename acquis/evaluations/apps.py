from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "acquis.evaluations"
    label = "evaluations"
    verbose_name = "Évaluations"
