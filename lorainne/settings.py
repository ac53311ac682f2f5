"""Settings for the LoRAINNe site.

One file, driven by environment variables (see .env.example): production differs from development
only by its environment.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The default key is only good for development: `check --deploy` flags it (security.W009).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-development-only-key")
# The public host name (.env.example), said once: the hosts the site answers to and its public
# address follow from it unless DJANGO_ALLOWED_HOSTS or SITE_URL say otherwise. Caddy serves it too.
SITE_HOST = env("SITE_HOST", default="")
# localhost and 127.0.0.1 always: `make run`, and the compose file's health check.
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[*filter(None, [SITE_HOST]), "localhost", "127.0.0.1"]
)

INSTALLED_APPS = [
    # Before the admin: organizers' texts in both languages (each app's translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its template for /sitemap.xml (lorainne/sitemaps.py).
    "django.contrib.sitemaps",
    "django_tasks_db",
    "axes",
    # Below the apps that use them: the periodic jobs' schedule, then the outbox of every email.
    "jobs",
    "mail",
    "program",
    "registration",
    "contributions",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto counts only from TRUSTED_PROXIES, before anything asks is_secure().
    "lorainne.proxy.ForwardedProtoFromTrustedProxiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A NUL in the address, a form body in another charset: 400; a body larger than a PDF at
    # MATERIAL_MAX_MB and its form: 413; before anything reads them.
    "lorainne.bad_requests.BadRequestMiddleware",
    # Cached public pages leave here, with the security headers above but without the work below.
    "lorainne.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language: the address's ?lang=, else the language cookie (set_language), else
    # Accept-Language. The page cache above keys on the same choice (program.languages).
    "lorainne.language.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view that waited past the registration lock's timeout: 503, try again (lorainne/busy.py).
    "lorainne.busy.BusyMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lorainne.urls"
WSGI_APPLICATION = "lorainne.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "program.context_processors.workshop",
            ],
        },
    },
]

# How long a registration waits for the edition's lock (registration/services/locks.py) before
# the person is asked to try again in a few seconds (a 503 page with Retry-After): PostgreSQL's
# lock_timeout for that transaction, SQLite's busy timeout for every write.
REGISTRATION_LOCK_TIMEOUT_SECONDS = env.float("REGISTRATION_LOCK_TIMEOUT_SECONDS", default=5)
if REGISTRATION_LOCK_TIMEOUT_SECONDS <= 0:  # PostgreSQL would read 0 as "wait forever"
    raise ImproperlyConfigured("REGISTRATION_LOCK_TIMEOUT_SECONDS must be more than 0.")

# Databases: an SQLite file by default (`make run`), PostgreSQL in production and CI.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes SQLite's write lock when a transaction begins, so two registrations cannot
    # both read "one seat left"; WAL lets readers go on while one request writes. A transaction
    # waits for that lock at most the registration lock's timeout ("database is locked" then).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": REGISTRATION_LOCK_TIMEOUT_SECONDS,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_DB_CONN_MAX_AGE", default=60)
    # Off by default: the check is one more round trip per request ("SELECT 1"); Django still
    # drops a broken connection at the end of the request that found it broken.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_DB_HEALTH_CHECKS", default=False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin's address (keep it off the default to spare it most scanners) and its login limits.
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "registration.throttle.client_ip"
# Cut to the longest username an account can have: axes stores it in a 255-character column.
AXES_USERNAME_CALLABLE = "registration.throttle.login_username"
AXES_LOCKOUT_TEMPLATE = "admin_locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the source and the default, with British formats (dates as 26/11/2024 in the admin's
# fields); French from locale/ (README: Languages). The choice is kept in Django's language
# cookie, which set_language (/i18n/setlang/) writes.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# What organizers write (descriptions, terms, option labels, announcements…) has a column per
# language (django-modeltranslation: `description_en_gb`, `description_fr`; each app's
# translation.py). English is the source and is required where the text is; a text not written
# in the reader's language is shown in the other, never as an empty block.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb", "fr")  # the reader's, then English, then French


def MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME(verbose_name, language):
    """Each language's field in the admin: “description (English)”, “description (French)”, in
    the organizer's language (evaluated when the form is shown)."""
    from django.utils.translation import get_language_info

    return f"{verbose_name} ({get_language_info(language.split('-')[0])['name_translated']})"


LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves compressed, fingerprinted files (whitenoise, cached for a year); they need
# `collectstatic` first, which the Dockerfile runs. Development and tests use the plain names.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=False)
# Uploaded files (slides, posters: program/materials.py) go to the media folder, or to an
# S3-compatible bucket once AWS_STORAGE_BUCKET_NAME is set (django-storages, `pip install .[s3]`;
# keys, region and endpoint from boto3's own variables, see .env.example). Either way the site
# serves them itself (program.views.MaterialView): the media folder is never public.
MEDIA_BUCKET = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        # No overwriting and no public ACL: each upload has a name of its own, read through the
        # site.
        "OPTIONS": {"bucket_name": MEDIA_BUCKET, "file_overwrite": False, "default_acl": None},
    }
    if MEDIA_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# The largest PDF a speaker or an organizer may upload, in MB.
MATERIAL_MAX_MB = env.int("MATERIAL_MAX_MB", default=50)
# Uploads larger than 2.5 MB wait in a temporary file named after theirs: ours keeps that name
# short (a 300-character "extension" made the file system refuse it, and the request fail).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "program.materials.ShortNameTemporaryFileUploadHandler",
]


def mailer_from_url(url: str) -> dict:
    """Turn an EMAIL_URL (smtp://user:pass@host:587, consolemail://) into a MAILERS entry."""
    config = environ.Env.email_url_config(url)
    options = {
        "host": config["EMAIL_HOST"],
        "port": config["EMAIL_PORT"],
        "username": config["EMAIL_HOST_USER"] or None,
        "password": config["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
        "timeout": config.get("OPTIONS", {}).get("TIMEOUT", 10),
    }
    if config["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
        options = {}
    return {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LoRAINNe'24 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Replies to registration emails go here (e.g. the organizers' address); blank: to the sender.
DEFAULT_REPLY_TO = env("DEFAULT_REPLY_TO", default="")
# The site's public address, for links in emails and calendars (no trailing slash).
SITE_URL = env(
    "SITE_URL", default=f"https://{SITE_HOST}" if SITE_HOST else "http://127.0.0.1:8000"
).rstrip("/")

# Emails leave after the registration commits, through Django's tasks framework: immediately in
# development and tests, from the database queue (`manage.py run_worker`) in production.
TASKS = {
    "default": {
        "BACKEND": env(
            "DJANGO_TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# The outbox (mail/outbox.py). A worker that takes an email to send owns it this long;
# past it, another worker takes it again. Several times the SMTP timeout (EMAIL_URL's
# ?timeout=, default 10 s), so that a live worker's send has ended, sent or failed, by then.
EMAIL_LEASE_SECONDS = env.int("EMAIL_LEASE_SECONDS", default=300)
# Seconds before each new try of an email the mail server refused (1, 5, 30, 120, 480 minutes).
EMAIL_RETRY_DELAYS = env.list("EMAIL_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 28800])
# How often the worker runs the frequent jobs (jobs/registry.py): the outbox sends the emails owed
# and not sent (retries due, leases expired), unconfirmed holds past their time are released.
EMAIL_SWEEP_SECONDS = env.int("EMAIL_SWEEP_SECONDS", default=60)

CACHES = {
    # Rate limits and login lockouts: shared by every web process in production (.env.example).
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered public pages (lorainne/page_cache.py). Per process by default: the keys hold the
    # content version read from the database, so no process serves a stale page, and a hit
    # costs no second round trip. Room for every page of a workshop of 500 talks.
    "pages": env.cache("PAGE_CACHE_URL", default="locmemcache://lorainne-pages"),
}
if CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
    CACHES["pages"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)

# Registration POSTs allowed per client IP address per hour (a whole lab may share one address).
REGISTRATION_RATE_LIMIT = env.int("REGISTRATION_RATE_LIMIT", default=30)
# Unconfirmed seats one client address may hold at once on an edition that confirms addresses;
# past that its registrations go to the waiting list until one of its holds is confirmed or
# expires, so that throwaway addresses cannot hold the room.
REGISTRATION_MAX_HOLDS_PER_CLIENT = env.int("REGISTRATION_MAX_HOLDS_PER_CLIENT", default=3)
# The proxies in front of the site (addresses or networks, comma-separated): only requests from
# them may tell the client's address (X-Forwarded-For) and scheme (X-Forwarded-Proto). Empty:
# nobody, the peer is the client. gunicorn_conf.py trusts the same ones; the compose file sets it.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(value)) for value in env.list("TRUSTED_PROXIES", default=[])
]
# Days after a workshop ends before its registrations are deleted, by the worker's hourly schedule
# (registration/jobs.py); `manage.py purge_registrations` does it by hand.
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=180)

# Security. Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto (believed
# from TRUSTED_PROXIES only: lorainne/proxy.py).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off by default so that development and tests run on plain HTTP; .env.example turns them on.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env.bool(
    "DJANGO_SECURE_COOKIES", default=not DEBUG
)
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in the page; no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
# Joining the browsers' preload list is the domain owner's decision, not this site's.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# No inline script or style anywhere: our pages load files from 'self'; the admin uses nonces.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# One line per event on stdout; no personal data beyond ids.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tokens": {"()": "lorainne.logs.RedactTokens"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # a few INFO lines per PDF otherwise
        "fontTools": {"level": "WARNING"},
    },
}
