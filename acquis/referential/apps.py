from django.apps import AppConfig


class ReferentialConfig(AppConfig):
    name = "acquis.referential"
    label = "referential"
    verbose_name = "Référentiels de certification"
