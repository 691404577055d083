from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "acquis.credentials"
    label = "credentials"
    verbose_name = "Documents délivrés et badges"
