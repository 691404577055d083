from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "acquis.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
