from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "acquis.emails"
    label = "emails"
    verbose_name = "Courriels envoyés"
    default_auto_field = "django.db.models.BigAutoField"
