"""Settings for ``make run`` on a laptop: debug on, embedded defaults, console email."""

from authplatform.settings.base import *  # noqa: F403
from authplatform.settings.base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Not a secret: only ever used on a developer's machine, and production refuses to start
# without its own key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
for _folder in (
    VAR_DIR,
    VAR_DIR / "broker",
    VAR_DIR / "broker" / "processed",
    VAR_DIR / "broker" / "control",
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
