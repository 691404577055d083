"""WSGI entry point (gunicorn): production settings unless DJANGO_SETTINGS_MODULE says
otherwise."""

from config.startup import configure

configure()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
