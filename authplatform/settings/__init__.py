"""Settings split by environment: ``base`` plus ``local``, ``test`` and ``production``."""
