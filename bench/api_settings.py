"""Settings for the gunicorn that bench/api.py measures: production's, with a bench URLconf.

Every secret production asks for is handed in by bench/api.py as an environment variable.
"""

from authplatform.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
