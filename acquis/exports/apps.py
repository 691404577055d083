from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "acquis.exports"
    label = "exports"
    verbose_name = "Déclarations et exports"
