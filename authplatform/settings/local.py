"""Settings for ``make run`` on a laptop: debug on, console email, keys made on this machine.

``scripts/runlocal.py`` starts PostgreSQL and Redis under var/ and sets DATABASE_URL and
REDIS_URL; set them yourself to use servers of your own.
"""

import os
import secrets

from authplatform.settings.base import *  # noqa: F403
from authplatform.settings.base import ANCHOR_SIGNING_KEY, REPORT_SIGNING_KEY, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Not a secret: only ever used on a developer's machine, and production refuses to start
# without its own key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
for _folder in (
    VAR_DIR,
    VAR_DIR / "media",
    VAR_DIR / "staticfiles",
):
    _folder.mkdir(parents=True, exist_ok=True)
# Static files are served from the source folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
SERVE_MEDIA = True


def _local_key(name: str) -> str:
    """A key of this machine's, made once under var/keys/ so it never enters the repo."""
    key_file = VAR_DIR / "keys" / f"{name}.key"
    if not key_file.exists():
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = key_file.with_name(f"{key_file.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        # link() never replaces: when the web process and the worker start together, both
        # end up with whichever key was linked first.
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


if not REPORT_SIGNING_KEY:
    REPORT_SIGNING_KEY = _local_key("report-signing")
# The anchoring account; the local ganache funds it when the contract is deployed.
if not ANCHOR_SIGNING_KEY:
    ANCHOR_SIGNING_KEY = _local_key("anchor")
ANCHOR_DEVNET_FUNDING = env.bool("ANCHOR_DEVNET_FUNDING", default=True)
# A laptop anchors within seconds: small batches, a fast tick, the including block is enough.
ANCHOR_BATCH_MAX_WAIT_SECONDS = env.float("ANCHOR_BATCH_MAX_WAIT_SECONDS", default=2)
ANCHOR_TICK_SECONDS = env.float("ANCHOR_TICK_SECONDS", default=2)
CELERY_BEAT_SCHEDULE["anchor-tick"]["schedule"] = ANCHOR_TICK_SECONDS  # noqa: F405
ANCHOR_CONFIRMATIONS = env.int("ANCHOR_CONFIRMATIONS", default=1)
# The developer's own webhook receiver runs on this machine (docs/api.md's quickstart);
# private ranges stay refused, and production never allows loopback.
WEBHOOK_ALLOW_LOOPBACK = True
