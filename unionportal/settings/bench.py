"""Benchmark settings (`make bench`): production-like request handling on a separate database.

DEBUG is off so templates are cached and no query log is kept, as in production; the HTTPS
redirects of production.py are left out because requests come from Django's test client.
The URL conf adds the bare baseline view, which production never serves.
"""

from .base import *  # noqa: F403
from .base import DATABASE_OPTIONS, env

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "apps.bench.urls"
# Only ever the benchmark's own database: there is no fallback to DATABASE_URL.
DATABASES = {"default": env.db("BENCH_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = None
DATABASES["default"]["OPTIONS"] = dict(DATABASE_OPTIONS)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Work queued by the measured code (notification emails) stays unsent: runs are rolled back.
CELERY_TASK_ALWAYS_EAGER = False
