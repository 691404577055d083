from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "acquis.numbering"
    label = "numbering"
    verbose_name = "Numérotation"
