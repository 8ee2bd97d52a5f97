"""Settings for ``make test``: PostgreSQL and Redis started by scripts/testenv.py.

There is deliberately no SQLite fallback: the suite must run against the database
production uses.
"""

import secrets

from authplatform.settings.base import *  # noqa: F403
from authplatform.settings.base import STATIC_ROOT, env

DEBUG = False
SECRET_KEY = "test-only-key"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# scripts/testenv.py sets REDIS_URL. Eager tasks never reach a broker, so a run against a
# DATABASE_URL of your own without Redis gets the in-memory one (the worker tests need Redis).
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"  # noqa: F405
# Eager everywhere except the tests that start a real worker, which turn this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
SERVE_MEDIA = True
# Tests share one client address; keep the per-IP limit out of the way of per-account tests.
LOGIN_MAX_FAILURES_PER_IP = 1000
# A fresh report-signing key per test run, and no earlier keys.
# A server a test starts is handed the test's own key (AUTHPLATFORM_TEST_SIGNING_KEY), so
# both sign as one platform; REPORT_SIGNING_KEY from the environment is never used here.
REPORT_SIGNING_KEY = env.str("AUTHPLATFORM_TEST_SIGNING_KEY", default="") or secrets.token_hex(32)
REPORT_SIGNING_TRUSTED_SIGNERS = []
# Anchoring: a fresh key per run (or the starting test's, for a process it starts); the
# tests' own ganache nodes fund it.
ANCHOR_SIGNING_KEY = env.str("AUTHPLATFORM_TEST_ANCHOR_KEY", default="") or secrets.token_hex(32)
ANCHOR_DEVNET_FUNDING = True
ANCHOR_CONFIRMATIONS = 1
ANCHOR_BATCH_MAX_WAIT_SECONDS = 0
# Webhook tests deliver to receivers they start on 127.0.0.1 (private ranges stay refused).
WEBHOOK_ALLOW_LOOPBACK = True
