"""Settings shared by every environment, read from environment variables.

Each variable has an embedded default suitable for a laptop; ``production`` removes the
defaults for anything secret. Any variable can also be given as a file path in
``NAME_FILE`` (Docker and Kubernetes secrets).
"""

from pathlib import Path

import environ

from authplatform.timestamps import WIRE_FORMAT

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("AUTHPLATFORM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.FileAwareEnv()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # django.contrib.admin with our own site: sign-in shares the site's lock-out.
    "authplatform.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "events",
    "members",
    # Plans, points and quotas (issue 18): below appraisals, which consumes a quota when a
    # case is submitted; above members, whose accounts it serves.
    "membership",
    "billing",
    "appraisals",
    # Before passports: a report's page lists its disputes' outcomes above its passport link
    # (the order the apps register their parts of it, appraisals/report_pages.py).
    "disputes",
    "provenance",
    "passports",
    "api",
    "webhooks",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "community",
    "ml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "authplatform.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Parses form bodies before CsrfViewMiddleware's check does, to answer a body over a
    # limit itself (with a message for the next page); before anything else reads the body.
    "authplatform.middleware.RequestBodyLimitMiddleware",
    # Outside the idempotency middleware, so a replayed answer states the caller's quota too.
    "api.ratelimit_headers.RateLimitHeadersMiddleware",
    "api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "authplatform.urls"
WSGI_APPLICATION = "authplatform.wsgi.application"

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
                "members.context_processors.notifications",
                "authplatform.csp.csp_nonce",
            ],
        },
    },
]

# PostgreSQL everywhere: `make run` starts its own under var/ and sets DATABASE_URL, the
# tests start a throwaway one, production names its server. There is no SQLite fallback.
if not env.str("DATABASE_URL", default=""):
    raise environ.ImproperlyConfigured(
        "DATABASE_URL is not set. `make run` and `make test` start their own PostgreSQL and "
        "set it; elsewhere set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME."
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database.")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "appraisals:submission-list"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection for the login form: failures are counted per account and per
# client address over a sliding window.
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5)
LOGIN_MAX_FAILURES_PER_IP = env.int("LOGIN_MAX_FAILURES_PER_IP", default=20)
# Email verification (members.services.email_verification_send): how long a link works, and
# how soon a member may ask for another.
EMAIL_VERIFICATION_MAX_AGE_HOURS = env.int("EMAIL_VERIFICATION_MAX_AGE_HOURS", default=72)
EMAIL_VERIFICATION_RESEND_SECONDS = env.int("EMAIL_VERIFICATION_RESEND_SECONDS", default=5 * 60)
# How many reverse proxies of ours stand in front of the app. 0: X-Forwarded-For is ignored
# and the peer (REMOTE_ADDR) is the client; N: the client is the N-th X-Forwarded-For entry
# from the right, the one our outermost proxy appended (authplatform/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise environ.ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

LANGUAGE_CODE = "en"
# The buyer chooses; pages, PDFs and emails come in either.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Django serves uploads itself only where no web server or bucket does (local runs, tests).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

# Local files by default; STORAGE_BACKEND=s3 stores uploads in any S3-compatible bucket.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "access_key": env.str("S3_ACCESS_KEY_ID"),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY"),
            "region_name": env.str("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise environ.ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads. Django spools bodies above this size to disk, so large photos never sit in RAM.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
PHOTOS_PER_BATCH = env.int("PHOTOS_PER_BATCH", default=12)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = PHOTOS_PER_BATCH

# Quality check: the shortest side a photo may have. See ml/quality.py for the others.
PHOTO_MIN_SHORT_SIDE = env.int("PHOTO_MIN_SHORT_SIDE", default=400)
# Below this short side an upload is refused outright and nothing is stored: an icon, a
# tracking pixel or a placeholder, not a photo of the item. Between this and
# PHOTO_MIN_SHORT_SIDE a photo is stored and flagged for a retake, so the buyer sees it with
# the hint. Never above PHOTO_MIN_SHORT_SIDE in effect (appraisals/services/photos.py).
PHOTO_MIN_ACCEPT_SIDE = env.int("PHOTO_MIN_ACCEPT_SIDE", default=100)

# Celery runs on Redis everywhere (`make run` starts its own under var/). Tasks are
# acknowledged only after they ran; a worker killed mid-task leaves its task unacknowledged,
# and Redis hands it out again once the visibility timeout passes. Every task may run twice
# (docs/architecture.md). The timeout must outlast the longest a worker holds a message: a
# retry's countdown (at most 120 s, appraisals/tasks.py) plus the task's hard time limit (at
# most 180 s); a shorter one hands out messages that are still pending. Lost work is picked up
# sooner by the stall sweepers below (bench/load.py measures both).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=600),
}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often the single anchoring writer runs (seal, send, watch; provenance/anchoring.py).
ANCHOR_TICK_SECONDS = env.float("ANCHOR_TICK_SECONDS", default=15)
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-submissions": {
        "task": "appraisals.tasks.submissions_requeue_stalled",
        "schedule": 60.0,
    },
    "record-sla-breaches": {
        "task": "appraisals.tasks.submissions_record_sla_breaches",
        "schedule": 60.0,
    },
    "record-dispute-sla-breaches": {
        "task": "disputes.tasks.disputes_record_sla_breaches",
        "schedule": 60.0,
    },
    "anchor-tick": {
        "task": "provenance.tasks.anchor_tick",
        "schedule": ANCHOR_TICK_SECONDS,
    },
    "deliver-due-webhooks": {
        "task": "webhooks.tasks.webhooks_deliver_due",
        "schedule": 60.0,
    },
    "deliver-due-events": {
        "task": "events.tasks.events_dispatch_due",
        "schedule": 15.0,
    },
    "purge-idempotency-records": {
        "task": "api.tasks.idempotency_records_purge",
        "schedule": 3600.0,
    },
    # Membership (docs/membership.md): lots past 24 months, tiers past their 12-month hold.
    "expire-points": {"task": "membership.tasks.points_expire", "schedule": 3600.0},
    "review-membership-tiers": {"task": "membership.tasks.tiers_review", "schedule": 3600.0},
    "renew-passes": {"task": "billing.tasks.passes_renew", "schedule": 3600.0},
    # Appraisal fee invoices unpaid past their due date are voided, freeing what they held.
    "void-overdue-fee-invoices": {
        "task": "appraisals.tasks.fee_invoices_void_overdue",
        "schedule": 3600.0,
    },
}
# Domain events (events/): a failing subscriber is retried after 2, 4, 8 … seconds, at most
# EVENTS_RETRY_MAX_SECONDS apart, and held for staff after EVENTS_MAX_ATTEMPTS attempts.
EVENTS_MAX_ATTEMPTS = env.int("EVENTS_MAX_ATTEMPTS", default=10)
EVENTS_RETRY_MAX_SECONDS = env.int("EVENTS_RETRY_MAX_SECONDS", default=300)
# The anchoring writer has its own queue, served by one worker with concurrency 1 (Procfile
# "anchorer"); a PostgreSQL advisory lock backs that up.
CELERY_TASK_ROUTES = {"provenance.tasks.*": {"queue": "anchoring"}}
# A submitted case whose photo re-check has not finished after this long is enqueued again
# (a killed worker, a lost message). Under load the check's p95 is about 8 s (bench/load.py).
SUBMISSION_CHECK_STALL_SECONDS = env.int("SUBMISSION_CHECK_STALL_SECONDS", default=120)

# AI pre-screen. Trained artifacts live here; the active one is chosen in the admin.
ML_MODELS_DIR = Path(env.str("ML_MODELS_DIR", default=str(VAR_DIR / "models")))
# Torch threads per worker process: fixed, so two workers don't fight over the cores.
ML_TORCH_THREADS = env.int("ML_TORCH_THREADS", default=2)
# The routing policy (appraisals/routing.py). The AI never issues a verdict; these set the
# case's priority and how many experts must look at it.
ROUTING_HIGH_VALUE_EUR = env.int("ROUTING_HIGH_VALUE_EUR", default=5000)
ROUTING_COUNTERFEIT_CONFIDENT = env.float("ROUTING_COUNTERFEIT_CONFIDENT", default=0.8)
ROUTING_AUTHENTIC_CONFIDENT = env.float("ROUTING_AUTHENTIC_CONFIDENT", default=0.2)
ROUTING_RANDOM_QA_RATE = env.float("ROUTING_RANDOM_QA_RATE", default=0.05)
# What an appraisal costs, in euro cents, per service tier, and per category slug where it
# differs (appraisals/pricing.py; memberships will build on it).
PRICE_CENTS_STANDARD = env.int("PRICE_CENTS_STANDARD", default=2900)
PRICE_CENTS_PRIORITY = env.int("PRICE_CENTS_PRIORITY", default=4400)
PRICE_CENTS_EXPRESS = env.int("PRICE_CENTS_EXPRESS", default=5900)
PRICE_CENTS_BY_CATEGORY = env.json(
    "PRICE_CENTS_BY_CATEGORY",
    default={"watch": {"standard": 3900, "priority": 5900, "express": 7900}},
)
# Expert review. A claimed case returns to the queue when its claim runs out.
REVIEW_CLAIM_MINUTES = env.int("REVIEW_CLAIM_MINUTES", default=60)
# The partner API (api/; docs/api.md). Partners authenticate with API keys; the site's own
# scripts with the session and CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with a bounded nesting depth (REQUEST_JSON_MAX_DEPTH), and nothing else: only the
    # photo upload takes multipart, declared on its own view.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    # One timestamp format everywhere, the signed documents' own: UTC, whole seconds, Z.
    "DATETIME_FORMAT": WIRE_FORMAT,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StableCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Per API key at its partner's quota, per user for the site's own scripts
    # (api/throttling.py); counted in the cache, which is Redis when REDIS_URL is set.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.RequestRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_USER_RATE", default="120/min")},
}
# The cache holds the API's rate-limit counters: Redis when REDIS_URL is set (always, but in
# a few unit tests that run without servers), so every worker shares the count.
CACHES = {
    "default": (
        {"BACKEND": "authplatform.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# JSON from outside (API bodies, the admin's JSON fields) may
# nest at most this deep; deeper is refused before it is parsed (authplatform/jsondepth.py).
REQUEST_JSON_MAX_DEPTH = env.int("REQUEST_JSON_MAX_DEPTH", default=64)
# The most submissions one bulk call may create.
API_BULK_MAX_ITEMS = env.int("API_BULK_MAX_ITEMS", default=100)
# Webhooks to partners (webhooks/). An attempt gets this long in all, and reads at most this
# much of the response. Only public addresses are ever called; loopback only where a setting
# file says so (the tests' own receivers), never from the environment.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_RESPONSE_BYTES = env.int("WEBHOOK_MAX_RESPONSE_BYTES", default=64 * 1024)
WEBHOOK_ALLOW_LOOPBACK = False
SPECTACULAR_SETTINGS = {
    "TITLE": "authplatform partner API",
    "VERSION": "1.1.0",
    "DESCRIPTION": "Authenticate luxury goods: catalog, submissions, reports, verification.",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from swagger.io's online validator: the page loads nothing from elsewhere.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"VerdictEnum": "appraisals.models.reviews.Verdict"},
    # Written for generated clients (api/schema.py): a request body has its own component, so
    # read-only fields are never a constructor's arguments; a choice that may be unset is a
    # nullable enum, not a union with a one-value "blank" enum.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.schema_finish",
        # Last: postprocess_schema_enums rebuilds the components it adds to.
        "webhooks.schema.webhook_components",
    ],
}

# Disputes and the guarantee (disputes/services.py). A report's holder may dispute
# it this many days after it was issued; staff have this many hours to resolve it.
DISPUTE_WINDOW_DAYS = env.int("DISPUTE_WINDOW_DAYS", default=90)
DISPUTE_SLA_HOURS = env.int("DISPUTE_SLA_HOURS", default=48)
# Charged when the verdict stands; 0 means a dispute is always free.
DISPUTE_FEE_EUR = env.int("DISPUTE_FEE_EUR", default=0)
# The appraisal fee per tier (refunded for a wrong verdict) and the guarantee's cap per tier
# for a mis-authenticated item (paid up to the declared value).
APPRAISAL_FEE_EUR = {"standard": env.int("APPRAISAL_FEE_STANDARD_EUR", default=29),
                     "priority": env.int("APPRAISAL_FEE_PRIORITY_EUR", default=44),
                     "express": env.int("APPRAISAL_FEE_EXPRESS_EUR", default=59)}  # fmt: skip
GUARANTEE_CAP_EUR = {"standard": env.int("GUARANTEE_CAP_STANDARD_EUR", default=2500),
                     "priority": env.int("GUARANTEE_CAP_PRIORITY_EUR", default=5000),
                     "express": env.int("GUARANTEE_CAP_EXPRESS_EUR", default=10000)}  # fmt: skip
# Points earned (membership points ledger) for a completed appraisal and for an answered
# satisfaction question (appraisals/subscribers.py, appraisals/services/feedback.py).
POINTS_FOR_APPRAISAL = env.int("POINTS_FOR_APPRAISAL", default=100)
POINTS_FOR_CSAT = env.int("POINTS_FOR_CSAT", default=10)
# Billing (billing/, docs/billing.md). "invoice": invoices stay due until staff mark them paid
# in the admin; "stripe": members pay on Stripe Checkout. Points are a discount worth
# POINTS_CENT_VALUE cents each, on at most POINTS_MAX_DISCOUNT_PERCENT of an invoice. A
# renewing pass's next invoice is issued PASS_RENEW_DAYS_BEFORE days before it ends. The
# seller's details are printed on every invoice.
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="invoice")
POINTS_CENT_VALUE = env.int("POINTS_CENT_VALUE", default=1)
POINTS_MAX_DISCOUNT_PERCENT = env.int("POINTS_MAX_DISCOUNT_PERCENT", default=50)
BILLING_DUE_DAYS = env.int("BILLING_DUE_DAYS", default=14)
PASS_RENEW_DAYS_BEFORE = env.int("PASS_RENEW_DAYS_BEFORE", default=3)
BILLING_SELLER_NAME = env.str("BILLING_SELLER_NAME", default="Authplatform")
BILLING_SELLER_ADDRESS = env.str("BILLING_SELLER_ADDRESS", default="")
BILLING_SELLER_VAT_ID = env.str("BILLING_SELLER_VAT_ID", default="")
# Stripe (billing/providers/stripe.py, billing/services/webhooks.py). Empty keys locally;
# production requires both when it pays through Stripe. STRIPE_API_BASE points the official
# library elsewhere (the tests' fake Stripe on 127.0.0.1). A signed webhook older (or further
# ahead) than the tolerance is refused as a possible replay.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# NPS is asked at most once per this many days per person.
NPS_INTERVAL_DAYS = env.int("NPS_INTERVAL_DAYS", default=91)
# A queued case with no pre-screen after this long is enqueued again (model missing, crash).
PRESCREEN_STALL_SECONDS = env.int("PRESCREEN_STALL_SECONDS", default=120)

# `manage.py load_demo` may create demo accounts with printed passwords (never in production).
DEMO_ACCOUNTS_ALLOWED = True

# The chain node that anchors reports (ganache locally).
ETH_RPC_URL = env.str("ETH_RPC_URL", default="http://127.0.0.1:8545")
# The endpoint the verification page's own script asks (from the reader's browser): any
# public RPC of the same chain.
ETH_PUBLIC_RPC_URL = env.str("ETH_PUBLIC_RPC_URL", default=ETH_RPC_URL)
# Anchoring (provenance/anchoring.py; docs/provenance.md). The key of the contract's owner,
# which pays for the anchoring transactions.
ANCHOR_SIGNING_KEY = env.str("ANCHOR_SIGNING_KEY", default="")
# A batch is sealed when this many documents wait, or the oldest has waited this long.
ANCHOR_BATCH_MAX_DOCUMENTS = env.int("ANCHOR_BATCH_MAX_DOCUMENTS", default=1024)
ANCHOR_BATCH_MAX_WAIT_SECONDS = env.float("ANCHOR_BATCH_MAX_WAIT_SECONDS", default=300)
# Blocks (the including one counts) before a batch is confirmed, and how long after that the
# watcher keeps checking it is still on the canonical chain.
ANCHOR_CONFIRMATIONS = env.int("ANCHOR_CONFIRMATIONS", default=12)
ANCHOR_WATCH_BLOCKS = env.int("ANCHOR_WATCH_BLOCKS", default=7200)
# A transaction not included after this long is replaced at the same nonce with fees raised
# by this much, never above the cap.
ANCHOR_STUCK_SECONDS = env.float("ANCHOR_STUCK_SECONDS", default=180)
ANCHOR_FEE_BUMP_PERCENT = env.int("ANCHOR_FEE_BUMP_PERCENT", default=25)
ANCHOR_MAX_FEE_GWEI = env.float("ANCHOR_MAX_FEE_GWEI", default=200)
# A local devnet (ganache) only: the deploy command may fund the anchoring account from the
# node's own unlocked account.
ANCHOR_DEVNET_FUNDING = env.bool("ANCHOR_DEVNET_FUNDING", default=False)

# The secp256k1 key that signs reports (provenance/signing.py), as 64 hex digits. Addresses
# of earlier keys stay trusted after a rotation, so the reports they signed still verify.
REPORT_SIGNING_KEY = env.str("REPORT_SIGNING_KEY", default="")
REPORT_SIGNING_TRUSTED_SIGNERS = env.list("REPORT_SIGNING_TRUSTED_SIGNERS", default=[])
# The name the issuer metadata (/.well-known/authplatform-issuer.json) gives verifiers.
ISSUER_NAME = env.str("ISSUER_NAME", default="authplatform")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="authplatform <no-reply@localhost>")

# Content-Security-Policy (authplatform/csp.py): origins images may also come from besides
# our own, e.g. the bucket's when STORAGE_BACKEND=s3 serves the catalog's example images.
CSP_EXTRA_IMG_SRC = env.list("CSP_EXTRA_IMG_SRC", default=[])

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The anchoring worker runs at WARNING (a tick every few seconds would flood the log with
    # Celery's "received"/"succeeded" lines); what it seals and anchors still shows.
    # Beat would say "Sending due task anchor-tick" just as often.
    "loggers": {
        "provenance": {"level": env.str("LOG_LEVEL", default="INFO")},
        "celery.beat": {"level": "WARNING"},
    },
}
