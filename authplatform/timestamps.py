"""The one timestamp format of the partner API and its webhooks: UTC, ISO 8601, ``Z``, whole
seconds (``2026-12-06T01:02:03Z``), the format the signed documents state their moments in.

Standard library only, so the settings can name ``WIRE_FORMAT`` as DRF's ``DATETIME_FORMAT``.
"""

from __future__ import annotations

from datetime import UTC, datetime

WIRE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The same, as the JSON Schema pattern of the OpenAPI components that describe it.
WIRE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"


def wire_timestamp(moment: datetime) -> str:
    """``moment`` in the wire format. A naive datetime is refused: its zone is unknown."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(UTC).strftime(WIRE_FORMAT)
