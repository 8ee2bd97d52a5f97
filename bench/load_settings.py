"""Settings for the stack that bench/load.py starts: production's, on a throwaway database.

bench/load.py hands in every secret production asks for, and the anchoring cadence, as
environment variables (see ``_environment`` there).
"""

from authplatform.settings.production import *  # noqa: F403

# The only difference from production: the database is thrown away after the run, so
# `manage.py load_demo` may create the demo accounts (the bench's experts sign in with them).
DEMO_ACCOUNTS_ALLOWED = True
