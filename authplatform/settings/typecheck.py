"""Settings the mypy Django plugin loads (pyproject.toml, ``[tool.django-stubs]``): the
settings every environment shares, with a placeholder DATABASE_URL so that ``mypy`` runs
anywhere, `make lint` or an editor, without a database. Nothing connects to it.
"""

import os

# base.py refuses to load without DATABASE_URL; the plugin only reads the settings.
os.environ.setdefault("DATABASE_URL", "postgres://typecheck@127.0.0.1:1/typecheck")

from authplatform.settings.base import *  # noqa: E402, F403
