"""ASGI entry point: production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

from config.startup import configure

configure()

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
