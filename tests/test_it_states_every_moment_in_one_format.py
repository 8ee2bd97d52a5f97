"""The API and its webhooks state every moment one way: UTC, ISO 8601, whole seconds, ``Z``
(authplatform/timestamps.py), the format DRF writes and the schema's pattern describes."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.utils import timezone
from rest_framework.settings import api_settings

from authplatform.timestamps import WIRE_FORMAT, WIRE_PATTERN, wire_timestamp


def test_a_moment_is_stated_in_utc_to_the_second() -> None:
    paris = timezone.get_fixed_timezone(60)

    stated = wire_timestamp(datetime(2026, 12, 6, 2, 2, 3, 999999, tzinfo=paris))

    assert stated == "2026-12-06T01:02:03Z"
    assert re.fullmatch(WIRE_PATTERN, stated)
    for other in ("2026-12-06T01:02:03.999Z", "2026-12-06T01:02:03+00:00", "2026-12-06"):
        assert not re.fullmatch(WIRE_PATTERN, other), other


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        wire_timestamp(datetime(2026, 12, 6, 1, 2, 3))


def test_the_api_writes_its_moments_in_the_same_format() -> None:
    assert api_settings.DATETIME_FORMAT == WIRE_FORMAT
