"""Settings shared by every environment.

Configuration comes from the environment (django-environ); the defaults here are the
development ones. `production.py` removes the defaults for secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- core -------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghij")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/unionportal")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The portal's queries are short: PostgreSQL's JIT compiles a big aggregate (the county's 签订率
# over every township) for ~130 ms to save ~10 ms of execution (issue 13's benchmark). Off.
DATABASE_OPTIONS = {"options": "-c jit=off"}
DATABASES["default"]["OPTIONS"] = dict(DATABASE_OPTIONS)
# A streaming replica of the primary (province deployment, see the README): the assessment, the
# statistics pages and the Excel exports read from it inside apps.core.replica.reads_from_replica();
# everything else, and every write, uses the primary. Unset: there is one database.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that is down must not hold a page up: fail fast, and the page reads the primary.
    DATABASES["replica"]["OPTIONS"] = {**DATABASE_OPTIONS, "connect_timeout": 3}
    # Tests create no database of its own: it is the primary's test database (the same server,
    # or a real replica of it, which the replica test starts).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["apps.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

INSTALLED_APPS = [
    # django-autocomplete-light before admin, as its documentation asks (apps.core.widgets)
    "dal",
    "dal_select2",
    "apps.core.library_apps.PortalAdminSiteConfig",  # django.contrib.admin, the portal's app order
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # third party
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "pgtrigger",
    "apps.core.library_apps.PortalPGHistoryConfig",  # pghistory, named in Chinese
    "pghistory.admin",
    "treebeard",
    "apps.core.library_apps.PortalAxesConfig",  # axes, named in Chinese
    "bootstrap",
    "js_lib_bootstrap_icons",
    "chartkick.django",  # its static files only: Chart.js (chartkick/Chart.bundle.js), for the assessment's charts
    # ours, in dependency order
    "apps.core",
    "apps.accounts",
    "apps.branches",
    "apps.members",
    "apps.complaints",
    "apps.contracts",
    "apps.dues",
    "apps.training",
    "apps.reemployment",
    "apps.aid",
    "apps.overview",
    "apps.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz/ is answered before the session or the user is read: they live in the database.
    "apps.core.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL byte in any input is a 400 before a filter, form or session lookup sends it to PostgreSQL.
    "apps.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.SessionTimeoutMiddleware",
    # Django's LoginRequiredMiddleware; a page's poll gets a 401 instead of the login page.
    "apps.core.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.history.AuditContextMiddleware",
    # axes last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
            ],
        },
    },
]

# --- accounts and security ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.PortalModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, apps.accounts.lockout): failures are counted for an account from
# one address (AXES_FAILURE_LIMIT, 5) and for one address over all accounts
# (AXES_ADDRESS_FAILURE_LIMIT, 20: a township office's staff share one NAT address), each locking
# for AXES_COOLOFF_TIME. Never by account name alone: anyone could lock `county` out from outside.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "apps.accounts.lockout.PortalLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address: REMOTE_ADDR, or behind CLIENT_IP_PROXY_COUNT reverse proxies the address the
# outermost one saw (apps.accounts.lockout.client_ip_address; django-ipware is not installed).
# Required in production (an explicit 0 when no proxy is in front): 0 behind a proxy locks out all.
CLIENT_IP_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_ip_address"
# Usernames are not personal data, but keep axes' log lines short anyway.
AXES_VERBOSE = False

# Sessions: 30 minutes idle, 8 hours absolute (apps.core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=8))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- language and time ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["unionportal.formats"]
USE_TZ = True

# --- static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files a browser asks for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- forms and tables ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# --- email --------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="unionportal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Tasks are written to be idempotent, so a task whose worker died is redelivered rather
# than lost: acknowledge after the work, and reject (requeue) when the worker is lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="unionportal")
# Redis redelivers an unacknowledged task after this long; longer than any task runs.
# A request never waits more than about two seconds on the broker: connecting gives up after
# one second, a reply after two, and a failed publish is not retried (the job row is the
# record; apps.core.jobs re-sends what waited too long). Tasks queued by requests (jobs,
# notification emails) keep no result, so queueing them never touches the result backend.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0, "interval_max": 0.5}}
# Every task ends within these; the background jobs have their own (below).
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# A worker process that grew past this (KiB) after a task is replaced by a fresh one, and no
# task may allocate more than WORKER_MEMORY_LIMIT_MB (apps.core.worker): a MemoryError fails
# that task, not the machine.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400 * 1024)
WORKER_MEMORY_LIMIT_MB = env.int("WORKER_MEMORY_LIMIT_MB", default=1024)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# django-celery-beat's scheduler, made to wait out a database outage instead of exiting.
CELERY_BEAT_SCHEDULER = "apps.core.beat:ResilientDatabaseScheduler"
# pghistory's list of every event, readable (apps.core.admin_history).
PGHISTORY_ADMIN_CLASS = "apps.core.admin_history.EventsAdmin"
# Background jobs (roster imports, large exports): the job row is the record. Hard time limits
# in seconds (the soft limit, which fails the job with a message, is JOB_SOFT_LIMIT_MARGIN
# earlier); a job still "running" JOB_LOST_GRACE after its hard limit lost its worker and is
# marked failed; one still waiting after JOB_REDISPATCH_AFTER is sent to the broker again.
ROSTER_IMPORT_TIME_LIMIT = env.int("ROSTER_IMPORT_TIME_LIMIT", default=10 * 60)
EXPORT_JOB_TIME_LIMIT = env.int("EXPORT_JOB_TIME_LIMIT", default=15 * 60)
# The county assessment's on-demand refresh of a year (apps.overview.assessment), a hard limit.
ASSESSMENT_REFRESH_TIME_LIMIT = env.int("ASSESSMENT_REFRESH_TIME_LIMIT", default=20 * 60)
JOB_SOFT_LIMIT_MARGIN = 30
JOB_LOST_GRACE = 60
JOB_REDISPATCH_AFTER = 60
# Test-only: a folder where a job pauses at a named point (apps.core.jobs.fault_point).
JOB_FAULT_POINTS_DIR = ""
# Entries here are written into django-celery-beat's tables when beat starts; from then on
# the schedule is edited in Django admin.
# Excel exports: up to EXPORT_WAIT_MAX_ROWS are written while the user waits (~4 s for 20,000);
# larger ones by a Celery worker behind a progress page (a county's 150,000 members take ~30 s,
# past gunicorn's 30 s timeout); above EXPORT_MAX_ROWS the user is asked to export in parts.
EXPORT_WAIT_MAX_ROWS = env.int("EXPORT_WAIT_MAX_ROWS", default=20_000)
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=300_000)
EXPORT_KEEP_HOURS = 24  # an export's file (personal data) is removed this long after it is made
# The home page's key figures are pre-computed this often (apps.overview.services).
UNIT_SUMMARY_REFRESH_MINUTES = env.int("UNIT_SUMMARY_REFRESH_MINUTES", default=10)
CELERY_BEAT_SCHEDULE = {
    "core-sweep-background-jobs": {
        "task": "apps.core.tasks.sweep_background_jobs",
        "schedule": timedelta(minutes=1),
    },
    "core-purge-old-exports": {
        "task": "apps.core.tasks.purge_old_exports",
        "schedule": timedelta(hours=1),
    },
    "overview-refresh-unit-summaries": {
        "task": "apps.overview.tasks.refresh_unit_summaries",
        "schedule": timedelta(minutes=UNIT_SUMMARY_REFRESH_MINUTES),
    },
    # The county assessment's snapshots of every open year (apps.overview.assessment).
    "overview-refresh-assessment-snapshots": {
        "task": "apps.overview.tasks.refresh_assessment_snapshots",
        "schedule": timedelta(hours=1),
    },
    # Every app's milestone reminders (apps.core.milestones): the complaints' deadline reminders,
    # the yearly compliance reminders (sent from 07:30 Shanghai), and those declared later.
    "core-sweep-milestones": {
        "task": "apps.core.tasks.sweep_milestones",
        "schedule": timedelta(minutes=5),
    },
    "send-pending-notification-emails": {
        "task": "apps.core.tasks.send_pending_notification_emails",
        "schedule": timedelta(minutes=10),
    },
    "members-expire-transfer-requests": {
        "task": "apps.members.tasks.expire_transfer_requests",
        "schedule": timedelta(hours=1),
    },
    "clear-expired-sessions": {
        "task": "apps.core.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=6),
    },
}

# --- logging ------------------------------------------------------------------------------
# Plain records without request bodies or query strings: personal data (ID numbers, names,
# mobiles) must never reach a log file. Every record goes through the one filter
# (apps.core.logging): URLs lose their query strings, ID- and mobile-shaped numbers are masked.
# The development server's request log (django.server) is routed through it too; gunicorn's
# access log leaves query strings out by its format (gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_personal_data": {"()": "apps.core.logging.RedactPersonalDataFilter"},
        "one_line_refusals": {"()": "apps.core.logging.OneLineRefusalFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        # The refusal filter first: a 403's traceback is dropped before the masker formats it.
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_refusals", "no_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default gives "django" a console handler of its own (with DEBUG on), past the
        # filters, and lets the record reach the root's too: every 403 was logged twice. Named
        # here without handlers, it keeps none of Django's and logs through the root's only.
        "django": {"level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # Django's default sends this to its own handler, past the filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- portal ------------------------------------------------------------------------------
PORTAL_NAME = _("County Federation of Trade Unions Portal")
# Used in emails to link back to the portal.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# How long /healthz/ waits for a Celery worker to answer a ping.
HEALTHZ_CELERY_TIMEOUT = env.float("HEALTHZ_CELERY_TIMEOUT", default=2.0)
# 工会组建率 counts enterprises with at least this many employees (工会法: 25 form a committee).
FORMATION_RATE_MIN_EMPLOYEES = env.int("FORMATION_RATE_MIN_EMPLOYEES", default=25)
# Yearly rhythm: by this day (MM-DD) each township has held its party–government–union joint
# meeting and each enterprise with a workers' congress has held it; after it, reminders go out.
YEARLY_MEETING_DEADLINE = env("YEARLY_MEETING_DEADLINE", default="06-30")
# Remind this many days before a grassroots union's term ends (换届).
TERM_END_REMINDER_DAYS = env.int("TERM_END_REMINDER_DAYS", default=90)
# The document number (批复文号) of a new union's approval (工会成立批复), unless the approver types
# one: {year} the approval's year, {number} a serial restarting each year (apps.core.serials).
UNION_APPROVAL_NUMBER_FORMAT = env("UNION_APPROVAL_NUMBER_FORMAT", default="东总工批〔{year}〕{number}号")

# --- personal data (PIPL) -------------------------------------------------------------------
# Citizen ID numbers are stored encrypted (django-fernet-encrypted-fields: keys derived from
# SECRET_KEY with this salt; keep old SECRET_KEYs in SECRET_KEY_FALLBACKS when rotating) and
# found by a keyed hash (HMAC-SHA256 with MEMBER_ID_HASH_KEY). Production requires both.
SALT_KEY = env("FIELD_ENCRYPTION_SALT", default="dev-only-field-encryption-salt")
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
MEMBER_ID_HASH_KEY = env("MEMBER_ID_HASH_KEY", default="dev-only-member-id-hash-key")
# Member card numbers issued by the portal: PREFIX + join year + 6-digit serial, e.g. DH2026000123.
MEMBER_CARD_PREFIX = env("MEMBER_CARD_PREFIX", default="DH")
# How many different whole ID numbers one user may look up across the deployment per hour
# (会籍转入, 新增会员 finding the person registered): the check must not trawl the register.
MEMBER_LOOKUPS_PER_HOUR = env.int("MEMBER_LOOKUPS_PER_HOUR", default=20)
# A transfer-in request (转入申请) the releasing side has not answered in this many days is
# cancelled by beat (members-expire-transfer-requests): its member is not frozen for ever.
MEMBER_TRANSFER_REQUEST_DAYS = env.int("MEMBER_TRANSFER_REQUEST_DAYS", default=30)
# Roster uploads beyond these are refused, at upload and again by the worker, before any sheet is
# read (README "Roster import"): the file's size, its size unpacked (in all and per part), and
# the rows and columns of each worksheet (its data, its stated dimension and its merged ranges).
# A county imports per union: 50,000 rows is more than any union's roster.
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
ROSTER_MAX_UNCOMPRESSED_BYTES = env.int("ROSTER_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
ROSTER_MAX_PART_BYTES = env.int("ROSTER_MAX_PART_BYTES", default=64 * 1024 * 1024)
ROSTER_MAX_ROWS = env.int("ROSTER_MAX_ROWS", default=50_000)
ROSTER_MAX_COLUMNS = env.int("ROSTER_MAX_COLUMNS", default=64)

# --- complaints --------------------------------------------------------------------------------
# The answer is due by the end of the N-th calendar day after receipt (Asia/Shanghai).
COMPLAINT_ANSWER_DAYS = env.int("COMPLAINT_ANSWER_DAYS", default=7)
# The handler and the township chair are warned this long before the deadline.
COMPLAINT_WARNING_HOURS = env.int("COMPLAINT_WARNING_HOURS", default=48)
COMPLAINT_ATTACHMENT_MAX_BYTES = env.int("COMPLAINT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)

# --- contracts ---------------------------------------------------------------------------------
# A contract's documents (signed text, congress resolution, minutes: scans of many pages).
CONTRACT_DOCUMENT_MAX_BYTES = env.int("CONTRACT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# How many days before a contract's date the reminder goes out (apps.contracts.deadlines: the
# milestone sweep, the home page's to-dos and the list's ?due= filter read these, nothing else
# holds a default): an unanswered bargaining request before its last day to answer, a signed
# contract not yet sent before its last day to send, a contract in force before its term ends.
# The legal periods themselves are the rule profile's, not settings.
CONTRACT_ANSWER_REMINDER_DAYS = env.int("CONTRACT_ANSWER_REMINDER_DAYS", default=5)
CONTRACT_SEND_REMINDER_DAYS = env.int("CONTRACT_SEND_REMINDER_DAYS", default=3)
CONTRACT_EXPIRY_REMINDER_DAYS = env.int("CONTRACT_EXPIRY_REMINDER_DAYS", default=30)

# --- dues --------------------------------------------------------------------------------------
# A tax bureau statement of a city's size is a few MB; the reader's limits guard the rest.
TAX_STATEMENT_MAX_BYTES = env.int("TAX_STATEMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Arrears older than this many days (after the period's end) remind the township chair.
DUES_ARREARS_REMINDER_DAYS = env.int("DUES_ARREARS_REMINDER_DAYS", default=90)
# A branch's dues sheet is one form for all its members (five fields a row): Django's default of
# 1,000 fields would refuse a branch of 200. Room for the sheet's 2,000 rows (apps.dues.forms).
DUES_SHEET_MAX_ROWS = 2000
DATA_UPLOAD_MAX_NUMBER_FIELDS = DUES_SHEET_MAX_ROWS * 5 + 100
