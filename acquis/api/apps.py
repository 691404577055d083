from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "acquis.api"
    label = "api"
    verbose_name = "API"
