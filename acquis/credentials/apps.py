from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "acquis.credentials"
    label = "credentials"
    verbose_name = "Documents délivrés et badges"

    def ready(self) -> None:
        from acquis.credentials import revocation
        from acquis.juries.hooks import register_correction_hook

        # A signed correction revokes what the corrected decision issued (same transaction).
        register_correction_hook(revocation.on_decision_corrected)
