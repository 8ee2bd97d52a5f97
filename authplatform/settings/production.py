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
# docker-compose.yml puts one TLS-terminating proxy in front of `web`; set this to the number
# of proxies in front of the app (each must append the peer it saw to X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only. Plain HTTP is redirected, except the healthcheck, which docker-compose (and a
# load balancer) calls on the container's own port without TLS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading commits the domain and every subdomain to HTTPS in the browsers' built-in lists,
# which is slow to undo: an owner's decision (hstspreload.org), so off unless asked for, and
# Django's reminder of it (W021) is silenced while it is off.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# How invoices are paid (billing/providers/): a typo would otherwise surface only at checkout.
if PAYMENT_PROVIDER not in ("invoice", "stripe"):  # noqa: F405
    raise ImproperlyConfigured(
        f"PAYMENT_PROVIDER is {PAYMENT_PROVIDER!r}; it is invoice or stripe."  # noqa: F405
    )
# Card payments (billing/providers/stripe.py): both Stripe secrets must be given (or their
# *_FILE), or the process refuses to start; base.py reads them.
if PAYMENT_PROVIDER == "stripe":  # noqa: F405
    if not STRIPE_SECRET_KEY.strip():  # noqa: F405
        raise ImproperlyConfigured("PAYMENT_PROVIDER is stripe, but STRIPE_SECRET_KEY is empty.")
    if not STRIPE_WEBHOOK_SECRET.strip():  # noqa: F405
        raise ImproperlyConfigured(
            "PAYMENT_PROVIDER is stripe, but STRIPE_WEBHOOK_SECRET is empty."
        )
