"""Civitas settings, driven by environment variables.

Embedded default (nothing set): SQLite in WAL mode, database task queue, local files,
local-memory cache. Production: set DEPLOY=production, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL), CACHE_URL (Redis) and EMAIL_URL. See docs/deploy.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEFAULT_SECRET_KEY = "civitas-insecure-development-key-change-me"
DEPLOY = env.str("DEPLOY", default="development")
IS_PRODUCTION = DEPLOY == "production"
TESTING = "pytest" in sys.modules or env.bool("CIVITAS_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

PUBLIC_HOSTS = [h for h in ALLOWED_HOSTS if h not in {"127.0.0.1", "localhost", "[::1]", "testserver"}]
if IS_PRODUCTION or PUBLIC_HOSTS:
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value when Civitas serves a public host."
        )
    if DEBUG and PUBLIC_HOSTS:
        raise ImproperlyConfigured("DEBUG must be off when Civitas serves a public host.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "civitas.core",
    "civitas.accounts",
    "civitas.organizations",
    "civitas.projects",
    "civitas.ledger",
    "civitas.attendance",
    "civitas.online",
    "civitas.insights",
    "civitas.publicity",
    "civitas.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the site-wide policy built once rather than per response.
    "civitas.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "civitas.core.middleware.NullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "civitas.accounts.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "civitas.accounts.twofactor.StaffTwoFactorMiddleware",
    "civitas.core.middleware.DatabaseUnavailableMiddleware",
    "civitas.core.db_router.ReplicaReadsMiddleware",
    # Last, so that a locked-out sign-in answers with axes' 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civitas.urls"
WSGI_APPLICATION = "civitas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civitas.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = env.str("SQLITE_PATH", default=str(BASE_DIR / "var" / "civitas.sqlite3"))
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    Path(SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE makes a write transaction take the lock when it begins, so
                # two writers queue instead of failing with "database is locked" midway.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=30000;"
                    "PRAGMA temp_store=MEMORY;"
                    "PRAGMA mmap_size=134217728;"
                    "PRAGMA cache_size=-65536;"
                ),
            },
            "TEST": {"NAME": str(BASE_DIR / "var" / "test.sqlite3")},
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Read replicas (docs/deploy.md): dashboards, statistics and search read from them.
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]) or env.list("DATABASE_REPLICA_URL", default=[]), 1):
    DATABASES["replica" if _number == 1 else f"replica_{_number}"] = {
        **env.db_url_config(_url), "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60), "CONN_HEALTH_CHECKS": True,
        # Tests see the replica as the primary itself.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["civitas.core.db_router.ReplicaRouter"]
REPLICA_READ_PATHS = env.list(
    "REPLICA_READ_PATHS", default=["/api/v1/stats", "/api/v1/projects", "/insights/", "/projects/"]
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, tasks ----------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://civitas")}
# Several deployments (or test runs) can share one Redis by prefixing their keys.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

TASKS_BACKEND = env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING and not env.bool("TASKS_REAL", default=False)
        else TASKS_BACKEND,
        "QUEUES": ["default", "notifications", "rollups"],
    }
}
# For a real queue on Redis: TASKS_BACKEND=django_tasks_rq.RQBackend and TASKS_REDIS_URL;
# workers run `manage.py rqworker default notifications rollups --job-class django_tasks_rq.Job
# --with-scheduler` (docs/deploy.md, "Task queue").
TASKS_REDIS_URL = env.str("TASKS_REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {name: {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 600} for name in TASKS["default"]["QUEUES"]}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out sign-in before any password is checked, on the
# sign-in page and on POST /api/v1/auth/token alike (both call authenticate()).
AUTHENTICATION_BACKENDS = ["civitas.accounts.backends.LockoutBackend", "civitas.accounts.backends.IdentifierBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "publicity:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE_SECONDS = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# Brute-force lockout (django-axes): five wrong passwords for one sign-in name from one
# address lock that pair for 15 minutes; the per-address rate limit below caps spraying
# many names from one address.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "civitas.accounts.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "civitas.accounts.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if IS_PRODUCTION else 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if IS_PRODUCTION else ["REMOTE_ADDR"]

# Two-factor sign-in (TOTP). Committee staff, auditors and organization staff must use it
# in production; everyone may. Off by default elsewhere so the demo stays easy.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=IS_PRODUCTION)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Civitas")

# Rate limits (civitas.core.ratelimit): a fixed window in the shared cache.
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)
# Behind the load balancer (docs/deploy.md) the client's address is the last X-Forwarded-For hop.
RATELIMIT_TRUST_FORWARDED_FOR = env.bool("RATELIMIT_TRUST_FORWARDED_FOR", default=IS_PRODUCTION)
RATE_LIMITS = {
    # scope: (requests, seconds) per client address
    "signin": (20, 300),
    "register": (10, 3600),
    "token": (20, 300),
    "signup": (30, 3600),
    "comment": (5, 600),
}

# --- Internationalization ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Each app keeps its own translations in <app>/locale (make messages).
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": env.str("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media on S3-compatible storage: MEDIA_STORAGE=storages.backends.s3.S3Storage and these.
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    # Media holds personal uploads (certificates, photos): private objects, signed URLs.
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=True)
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=3600)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Online tasks and training (civitas.online) --------------------------------------
CIVITAS_ONLINE = {
    # Evidence images are checked by content and re-encoded; bigger uploads are refused.
    "IMAGE_MAX_BYTES": env.int("ONLINE_IMAGE_MAX_BYTES", default=5 * 1024 * 1024),
    "IMAGE_MAX_PIXELS": 40_000_000,
    "ATTACHMENT_MAX_BYTES": env.int("ONLINE_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024),
    # A claim holds a place in the task's quota this long before it lapses.
    "CLAIM_HOURS": env.int("ONLINE_CLAIM_HOURS", default=48),
    "QUIZ_RETAKE_COOLDOWN_MINUTES": env.int("QUIZ_RETAKE_COOLDOWN_MINUTES", default=60),
    "PARTICIPATION_CACHE_SECONDS": 300,
}

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Civitas <no-reply@civitas.local>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Text messages: a class in civitas.notifications.sms (or a city's own provider's subclass).
SMS_BACKEND = env.str("SMS_BACKEND", default="civitas.notifications.sms.ConsoleSmsBackend")
NOTIFICATIONS = {
    # Links in email and SMS point here (the site's public address).
    "BASE_URL": env.str("SITE_URL", default="http://127.0.0.1:8000"),
    "MAX_ATTEMPTS": env.int("NOTIFICATION_MAX_ATTEMPTS", default=5),
    "RETRY_BASE_SECONDS": env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60),  # 1, 2, 4, 8 minutes ...
    "CLAIM_LEASE_SECONDS": 300,  # a worker that dies mid-send frees its rows after this
    "SWEEP_INTERVAL_SECONDS": env.int("NOTIFICATION_SWEEP_SECONDS", default=60),
    "ORGANIZER_MESSAGES_PER_HOUR": env.int("ORGANIZER_MESSAGES_PER_HOUR", default=5),
}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A session ends half a day after sign-in. Not renewed on every request: that would
# cost a write per page view.
SESSION_COOKIE_AGE = SESSION_COOKIE_AGE_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "django.views.csrf.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Personal data (ID numbers, phones) is encrypted at rest. Production sets its own key;
# the derived development key keeps the embedded default working out of the box.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if IS_PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production.")

# --- Civitas rules (cities differ, so these are settings) ----------------------------
CIVITAS = {
    "SITE_NAME": env.str("SITE_NAME", default=""),
    "PRIVACY_CONSENT_VERSION": "2026-01",
    "VOLUNTEER_NUMBER_PREFIX": env.str("VOLUNTEER_NUMBER_PREFIX", default="V"),
    "MIN_SELF_REGISTRATION_AGE": 14,
    "ADULT_AGE": 18,
    "STAR_THRESHOLDS": [Decimal(h) for h in env.list("STAR_THRESHOLDS", default=["100", "300", "600", "1000", "1500"])],
    "HOURLY_SOCIAL_VALUE": Decimal(env.str("HOURLY_SOCIAL_VALUE", default="25.30")),
    "MAP_TILE_URL": env.str("MAP_TILE_URL", default=""),
    "MAP_TILE_ATTRIBUTION": env.str("MAP_TILE_ATTRIBUTION", default=""),
    "DEMO_PASSWORD": "civitas-demo",
    # How long a waitlisted volunteer has to take an offered place (shifts in offer mode).
    "WAITLIST_OFFER_HOURS": env.int("WAITLIST_OFFER_HOURS", default=12),
    # The public project page for visitors without a session comes from the cache; the
    # services retire it when the project, its shifts, their places or the organization
    # change, and this lifetime is the backstop (projects/cache.py).
    "PROJECT_PAGE_CACHE_SECONDS": env.int("PROJECT_PAGE_CACHE_SECONDS", default=30),
    # How long the API keeps the count of a public project search (projects/selectors.py,
    # search_count); the matches themselves are always read afresh.
    "SEARCH_COUNT_CACHE_SECONDS": env.int("SEARCH_COUNT_CACHE_SECONDS", default=60),
    # Ledger rules (civitas/ledger/rules.py).
    "HOURS_ROUNDING_STEP": Decimal(env.str("HOURS_ROUNDING_STEP", default="0.5")),
    "HOURS_ROUNDING": env.str("HOURS_ROUNDING", default="nearest"),  # nearest, down or up
    "DAY_MAX_HOURS": Decimal("24"),
    "DAY_ORGANIZATION_REVIEW_HOURS": Decimal("8"),
    "DAY_COMMITTEE_REVIEW_HOURS": Decimal("12"),
    "SPAN_TOLERANCE_HOURS": Decimal("0.5"),
    # Sources whose time span is the real time served (overlap and span rules apply).
    "SPAN_RULE_SOURCES": ["attendance", "manual", "import"],
    "OPEN_ATTENDANCE_CLOSE_HOURS": 24,
    "NO_SHOW_WARNING": 3,
    "LEDGER_CHAIN_KEY": env.str("LEDGER_CHAIN_KEY", default=""),
    # Attendance (civitas/attendance).
    "CHECKIN_QR_WINDOW_SECONDS": 60,
    "CHECKIN_OPENS_MINUTES_BEFORE": 60,
    "KIOSK_REPLAY_MAX_HOURS": 24,
    # Certificates: an Ed25519 private key (PEM, or 32 raw bytes in base64); a key derived
    # from SECRET_KEY when unset, for development.
    "CERTIFICATE_SIGNING_KEY": env.str("CERTIFICATE_SIGNING_KEY", default=""),
    "CERTIFICATE_ISSUER": env.str("CERTIFICATE_ISSUER", default=""),
}


# Content Security Policy (django-csp 4). Scripts and styles come from Civitas itself;
# style attributes stay allowed (templates use a few), <style> and inline scripts do not.
# Map tiles are the one outside host, named by MAP_TILE_URL.
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *filter(None, [_origin(CIVITAS["MAP_TILE_URL"])])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The seed command runs these in order; each later issue appends its own step.
SEED_STEPS = [
    "civitas.organizations.seed.seed_regions",
    "civitas.organizations.seed.seed_organizations",
    "civitas.accounts.seed.seed_people",
    "civitas.organizations.seed.seed_memberships",
    "civitas.projects.seed.seed_projects",
    "civitas.ledger.seed.seed_service_records",
    "civitas.insights.seed.seed_watermark",
    "civitas.online.seed.seed_online",
    "civitas.publicity.seed.seed_publicity",
    "civitas.notifications.seed.seed_notifications",
    # Last: it rebuilds the rollups from everything the steps before it made.
    "civitas.insights.seed.seed_insights",
]


# Domain events (core.events): each app lists the events it handles as ``event_handlers``
# on its AppConfig; a deployment may add handlers of its own here. docs/events.md.
EVENT_HANDLERS: dict[str, list[str]] = {}

# The public site: comment moderation and spam rules, cache lifetimes (publicity.conf);
# the comment rate limit is the "comment" scope of RATE_LIMITS.
PUBLICITY = {
    "COMMENT_REPORTS_TO_HIDE": env.int("COMMENT_REPORTS_TO_HIDE", default=3),
    "COMMENT_MAX_LINKS": 2,
    "COUNTERS_TTL_SECONDS": 300,
    "HOME_CACHE_TTL_SECONDS": 60,
    "CAMPAIGN_FIGURES_TTL_SECONDS": 300,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 20
