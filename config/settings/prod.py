from config.env import envbool, envsecret
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = envsecret("SECRET_KEY")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
