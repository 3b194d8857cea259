"""Jiliang settings: one file, configured by JILIANG_* environment variables.

See docs/operations.md for every variable and its production value.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JILIANG_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """smtp://user:password@host:port (STARTTLS on port 587 or with ?starttls=1) or
    smtps://... (TLS, port 465 by default); unset, each message is one line on the console (the
    demo); console:// prints messages whole.
    """
    if not url:
        return {"EMAIL_BACKEND": "jiliang.core.mail.ConsoleSummaryBackend"}
    if url == "console://":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"JILIANG_EMAIL_URL must start with smtp:// or smtps://, not {parts.scheme}://"
        )
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    starttls = port == 587 or parse_qs(parts.query).get("starttls") == ["1"]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": secure,
        "EMAIL_USE_TLS": not secure and starttls,
        "EMAIL_TIMEOUT": 30,
    }


def secret_key() -> str:
    """JILIANG_SECRET_KEY, else a key generated once into var/ (never shared between installs)."""
    if key := os.environ.get("JILIANG_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_flag("JILIANG_DEBUG", True)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("JILIANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("JILIANG_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "jiliang.accounts",
    "jiliang.core",
    "jiliang.orgs",
    "jiliang.instruments",
    "jiliang.notifications",
    "jiliang.orders",
    "jiliang.needs",
    "jiliang.experts",
    "jiliang.campaigns",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "huey.contrib.djhuey",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jiliang.core.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiliang.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jiliang.urls"
WSGI_APPLICATION = "jiliang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiliang.core.context_processors.navigation",
                "jiliang.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("JILIANG_DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiliang.sqlite3'}"),
        conn_max_age=int(os.environ.get("JILIANG_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a job writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
# Indexes' included columns (the ledger counts') are PostgreSQL's; SQLite keeps their keys.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per username and per client address before further attempts wait.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("JILIANG_LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_ADDRESS_FAILURES = int(
    os.environ.get("JILIANG_LOGIN_THROTTLE_ADDRESS_FAILURES", "50")
)
# Failed sign-ins of one username from any address: a distributed guess, stopped much later than
# one address's, so that strangers cannot lock a user out at will.
LOGIN_THROTTLE_USERNAME_FAILURES = int(
    os.environ.get("JILIANG_LOGIN_THROTTLE_USERNAME_FAILURES", "100")
)
LOGIN_THROTTLE_SECONDS = int(os.environ.get("JILIANG_LOGIN_THROTTLE_SECONDS", "900"))
# Public certificate checks per client address per hour.
CERTIFICATE_CHECKS_PER_HOUR = int(os.environ.get("JILIANG_CERTIFICATE_CHECKS_PER_HOUR", "120"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JILIANG_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

# Behind nginx the client address is the last X-Forwarded-For entry that nginx appended.
BEHIND_PROXY = env_flag("JILIANG_BEHIND_PROXY", False)
# Only a proxy we run may tell us the request came over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# Uploads larger than this are refused with 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security baseline; production values apply whenever JILIANG_DEBUG=0.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_flag("JILIANG_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("JILIANG_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Background jobs: huey, stored in SQLite under var/ or, with JILIANG_REDIS_URL, in Redis.
# `make run` starts a consumer next to the web server; production runs `jiliang run_huey`.
REDIS_URL = os.environ.get("JILIANG_REDIS_URL", "")
HUEY = {
    "name": "jiliang",
    "immediate": env_flag("JILIANG_TASKS_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}
    ),
}

NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "jiliang.core.api.Pagination"

# JILIANG_EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT and the rest in one go.
globals().update(email_settings(os.environ.get("JILIANG_EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("JILIANG_DEFAULT_FROM_EMAIL", "jiliang@localhost")
# Links in e-mails and calendar feeds point here.
JILIANG_SITE_URL = os.environ.get("JILIANG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JILIANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
