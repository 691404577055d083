from django.apps import AppConfig


class JuriesConfig(AppConfig):
    name = "acquis.juries"
    label = "juries"
    verbose_name = "Jurys de certification"
