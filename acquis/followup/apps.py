from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "acquis.followup"
    label = "followup"
    verbose_name = "Devenir des titulaires"
    default_auto_field = "django.db.models.BigAutoField"
