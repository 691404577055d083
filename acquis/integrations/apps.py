from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "acquis.integrations"
    label = "integrations"
    verbose_name = "Intégrations (API et webhooks)"

    def ready(self):
        from acquis.audit.services import event_recorded
        from acquis.integrations import dispatch

        # The one dispatch point of webhooks: audited domain events, by verb (dispatch.py).
        event_recorded.connect(dispatch.on_events_recorded, dispatch_uid="integrations-webhooks")
