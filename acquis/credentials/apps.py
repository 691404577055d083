from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "acquis.credentials"
    label = "credentials"
    verbose_name = "Documents délivrés et badges"

    def ready(self) -> None:
        from acquis.juries.hooks import register_correction_hook

        # A signed correction revokes what the corrected decision issued (same transaction).
        register_correction_hook(_on_decision_corrected)


def _on_decision_corrected(corrected, correction, *, actor) -> None:
    # Revocation (documents, signing, badges: pyHanko and pyld) is imported on the first
    # correction, not when Django starts: about 1 s of CPU at every start of the `acquis`
    # command (python -X importtime, docs/testing.md).
    from acquis.credentials import revocation

    revocation.on_decision_corrected(corrected, correction, actor=actor)
