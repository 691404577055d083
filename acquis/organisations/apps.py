from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "acquis.organisations"
    label = "organisations"
    verbose_name = "Organisations et utilisateurs"
