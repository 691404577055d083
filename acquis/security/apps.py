from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "acquis.security"
    label = "security"
    verbose_name = "Sécurité des comptes"

    def ready(self):
        from acquis.security import signals  # noqa: F401  (login audit receivers)
