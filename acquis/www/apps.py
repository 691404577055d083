from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "acquis.www"
    label = "www"
    verbose_name = "Interfaces web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from acquis.www.middleware import start_session_clock

        # The session's clocks start at login (no extra write on the first page).
        user_logged_in.connect(start_session_clock, dispatch_uid="acquis_session_clock")
