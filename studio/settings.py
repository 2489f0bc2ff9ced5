"""Slide Studio settings: one module, configured from the environment (django-environ).

Every variable has a safe development default; a malformed value fails loudly at start-up.
"""

from __future__ import annotations

from pathlib import Path

import environ

from studio.lib.secret_key import development_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured("set SECRET_KEY: DEBUG is off and no key was given")
    # Development: a random key of this installation, kept in var/ (studio/lib/secret_key.py).
    SECRET_KEY = development_key(VAR_DIR)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SLIDES_DIR = Path(env.str("SLIDES_DIR", default=str(VAR_DIR / "slides")))
# transfer/Upload: the most bytes one slide (all its files) may have, and after how many
# seconds an unfinished upload's staged files are removed.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024**3)
UPLOAD_STALE_SECONDS = env.int("UPLOAD_STALE_SECONDS", default=24 * 3600)
TILE_SERVER_URL = env.str("TILE_SERVER_URL", default="")
if TILE_SERVER_URL and not TILE_SERVER_URL.startswith(("http://", "https://")):
    raise environ.ImproperlyConfigured(
        f"TILE_SERVER_URL must be empty (embedded) or an http(s):// URL, not {TILE_SERVER_URL!r}"
    )
# The service account share links and panel tokens use on a remote tile server, which
# (like PMA.core) opens no session for a user without their password.
TILE_SERVER_SERVICE_USERNAME = env.str("TILE_SERVER_SERVICE_USERNAME", default="")
TILE_SERVER_SERVICE_PASSWORD = env.str("TILE_SERVER_SERVICE_PASSWORD", default="")
TILE_SERVER_CONNECT_TIMEOUT = env.float("TILE_SERVER_CONNECT_TIMEOUT", default=5.0)
TILE_SERVER_READ_TIMEOUT = env.float("TILE_SERVER_READ_TIMEOUT", default=30.0)
# Tiles one studio process fetches from a remote tile server at once (as many connections
# are kept open for them).
TILE_SERVER_CONNECTIONS = env.int("TILE_SERVER_CONNECTIONS", default=64)
if TILE_SERVER_CONNECTIONS < 1:
    raise environ.ImproperlyConfigured(
        f"TILE_SERVER_CONNECTIONS must be 1 or more, not {TILE_SERVER_CONNECTIONS}"
    )
# Other tile servers that slides may be copied to or from (studio/copying/), by name:
# {"archive": {"url": "https://host/core/", "username": "...", "password": "..."}}.
# "studio" always names the studio's own tile server.
TILE_SERVERS = env.json("TILE_SERVERS", default={})
# Tile-server role: addresses of studios in front of this server. Their logins all come
# from one address, and each studio throttles its users' own addresses: only usernames
# are throttled for them here.
TRUSTED_LOGIN_CALLERS = env.list("TRUSTED_LOGIN_CALLERS", default=[])
LAYOUTS_DIR = Path(env.str("LAYOUTS_DIR", default=str(BASE_DIR / "layouts")))
SHARE_FRAME_ANCESTORS = env.list("SHARE_FRAME_ANCESTORS", default=[])
REDIS_URL = env.str("REDIS_URL", default="")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "studio",
    "tileserver",
    "panels",
    "sharing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above XFrameOptionsMiddleware: it reads the X-Frame-Options that one sets.
    "studio.middleware.content_security_policy_middleware",
    "sharing.middleware.no_debug_pages_for_recipients",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "studio.middleware.idle_session_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "studio.urls"
ASGI_APPLICATION = "studio.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'studio.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tiles, logins and the collaboration consumers write from several threads at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # Publish/subscribe: a group message crosses Redis once per process that has members,
    # not once per member (a live session's move reached 50 followers as 50 Redis round
    # trips with the list-based layer).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "studio.lib.locmem_cache.LocMemCache",
            "LOCATION": "slide-studio",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "studio.lib.channel_layer.InMemoryChannelLayer"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# An idle timeout, kept on the server: a session unused this long ends (studio/lib/idle.py).
# The cookie itself lasts until the browser closes.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Logging in to the studio logs in to the tile server (and, remote, keeps a local shadow
# user); local accounts (an admin created with createsuperuser) still log in to a studio
# with a remote tile server, for the admin site.
AUTHENTICATION_BACKENDS = [
    "studio.tileclient.backend.TileServerBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if TILE_SERVER_URL else []),
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# `{% static %}` URLs carry their file's hash, so browsers keep them (studio/static_files.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "studio.static_files.VersionedStorage"},
}
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party browser code is installed by `npm ci` and served straight from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/openseadragon", NODE_MODULES / "openseadragon" / "build" / "openseadragon"),
    ("vendor/dockview", NODE_MODULES / "dockview-core" / "dist"),
    ("vendor/annotorious", NODE_MODULES / "@annotorious" / "openseadragon" / "dist"),
    ("vendor/annotorious-tools", NODE_MODULES / "@annotorious" / "plugin-tools" / "dist"),
]

# Threads per process that render images made to measure (thumbnails, labels, macros,
# regions): a pool of their own, so that tiles keep flowing however many are asked for.
RENDER_THREADS = env.int("RENDER_THREADS", default=2)
# Bytes of encoded tiles and associated images each process keeps (least recently used go).
IMAGE_CACHE_BYTES = env.int("IMAGE_CACHE_BYTES", default=256 * 1024 * 1024)
# Bytes of decoded slide regions the embedded tile server keeps, one cache shared by every
# open slide: repeated tiles read 1.7-1.9x faster with a large one (DESIGN.md). With
# IMAGE_CACHE_BYTES, this is what a process's memory grows by, whatever number of tiles.
OPENSLIDE_CACHE_BYTES = env.int("OPENSLIDE_CACHE_BYTES", default=256 * 1024 * 1024)
# Threads that read slides for the async tile routes; OpenSlide releases the GIL while it reads.
TILE_THREADS = env.int("TILE_THREADS", default=8)
# Seconds a tile-server session stays valid without use (embedded tile server).
TILE_SERVER_SESSION_TTL = env.int("TILE_SERVER_SESSION_TTL", default=8 * 3600)

LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No password, session ID or share token reaches a log line (studio/lib/redact.py).
    "filters": {"redact": {"()": "studio.lib.redact.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own console and mail handlers would write the same records unredacted:
    # its records go to the redacting handler above instead.
    "loggers": {"django": {"handlers": [], "level": "INFO" if DEBUG else LOG_LEVEL}},
}
