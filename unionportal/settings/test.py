"""Test settings: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test run uses its own queue, so a developer's running worker never takes its tasks;
# the worker the tests start is told this name through the environment.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"unionportal-test-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if "replica" in DATABASES:  # noqa: F405 - DATABASE_REPLICA_URL set for the tests
    DATABASES["replica"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Unit tests run task logic in-process; tests that need the real thing use the
# `celery_worker` fixture, which starts a worker and turns this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# The fault tests (tests/core/test_job_faults.py) make a worker pause at a named point.
JOB_FAULT_POINTS_DIR = env("JOB_FAULT_POINTS_DIR", default="")
