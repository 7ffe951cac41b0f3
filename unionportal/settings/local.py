"""Development settings: `make run` and manage.py on a developer's machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# `make run` (scripts/devstack.py) turns DEBUG off, so the demo shows the portal's own 403, 404
# and 500 pages. WhiteNoise then serves static files straight from the finders (static/ and
# the apps'), without collectstatic, and picks up an edited file on the next request.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
