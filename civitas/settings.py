"""Civitas settings, driven by environment variables.

Embedded default (nothing set): SQLite in WAL mode, database task queue, local files,
local-memory cache. Production: set DEPLOY=production, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL), CACHE_URL (Redis) and EMAIL_URL. See docs/deploy.md.
"""

from __future__ import annotations

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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "civitas.core.db_router.ReplicaReadsMiddleware",
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

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["civitas.accounts.backends.IdentifierBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "core:home"
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

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Civitas <no-reply@civitas.local>")

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False
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
}

# The seed command runs these in order; each later issue appends its own step.
SEED_STEPS = [
    "civitas.organizations.seed.seed_regions",
    "civitas.organizations.seed.seed_organizations",
    "civitas.accounts.seed.seed_people",
    "civitas.organizations.seed.seed_memberships",
]

# Domain events (core.events): event name → handlers run after commit. docs/events.md.
EVENT_HANDLERS: dict[str, list[str]] = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 20
