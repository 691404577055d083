from django.apps import AppConfig


class RgpdConfig(AppConfig):
    name = "acquis.rgpd"
    label = "rgpd"
    verbose_name = "Protection des données (RGPD)"
