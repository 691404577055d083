from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "acquis.documents"
    label = "documents"
    verbose_name = "Pièces déposées"
