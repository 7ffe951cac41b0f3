"""Production settings: gunicorn behind a reverse proxy that terminates TLS.

Nothing that must be chosen for a deployment has a default here: the process refuses to start
without each variable read by `_required` below (README "Deploying" lists them all).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name):
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


# At least 50 characters and 5 different ones, or `check --deploy` warns (security.W009).
SECRET_KEY = _required("DJANGO_SECRET_KEY")
SALT_KEY = _required("FIELD_ENCRYPTION_SALT")
MEMBER_ID_HASH_KEY = _required("MEMBER_ID_HASH_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
# base.py read them with development defaults; a deployment names its own.
_required("DATABASE_URL")
_required("REDIS_URL")
# How many reverse proxies in front append to X-Forwarded-For (base.py, apps.accounts.lockout).
# Left at 0 behind a proxy, every client would have the proxy's address and the per-address login
# lockout would lock everyone out at once: a deployment states it, "0" for a portal exposed directly.
# (base.py has already refused a value that is not a whole number.)
CLIENT_IP_PROXY_COUNT = int(_required("AXES_PROXY_COUNT"))
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)

# Content Security Policy (django-csp): every asset is served from this origin.
INSTALLED_APPS = [*INSTALLED_APPS, "csp"]  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE, "csp.middleware.CSPMiddleware"]  # noqa: F405
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
