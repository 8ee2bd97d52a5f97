"""Production settings: every secret must be given, and the process refuses to start without.

Secrets may be passed as ``NAME`` or as a file path in ``NAME_FILE``.
"""

from django.core.exceptions import ImproperlyConfigured

from authplatform.settings.base import *  # noqa: F403
from authplatform.settings.base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
# Keep connections between requests (a new PostgreSQL connection per request cost more than
# most API calls themselves; bench/api.py), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
# Rate limits must be counted across all workers.
REDIS_URL = env.str("REDIS_URL")
CACHES = {"default": {"BACKEND": "authplatform.cache.RedisCache", "LOCATION": REDIS_URL}}
ETH_RPC_URL = env.str("ETH_RPC_URL")
ETH_PUBLIC_RPC_URL = env.str("ETH_PUBLIC_RPC_URL", default=ETH_RPC_URL)
REPORT_SIGNING_KEY = env.str("REPORT_SIGNING_KEY")
if not REPORT_SIGNING_KEY.strip():
    raise ImproperlyConfigured("REPORT_SIGNING_KEY (or REPORT_SIGNING_KEY_FILE) is empty.")
ANCHOR_SIGNING_KEY = env.str("ANCHOR_SIGNING_KEY")
if not ANCHOR_SIGNING_KEY.strip():
    raise ImproperlyConfigured("ANCHOR_SIGNING_KEY (or ANCHOR_SIGNING_KEY_FILE) is empty.")
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DEMO_ACCOUNTS_ALLOWED = False
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
