from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "acquis.www"
    label = "www"
    verbose_name = "Interfaces web"
