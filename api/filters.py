"""Query-parameter filters shared by the API's lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class _UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        # ISO 8601 allows offsets that PostgreSQL refuses (beyond ±15:59): the database only
        # ever sees UTC, and a moment that leaves the calendar in UTC is the caller's error.
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("That moment is out of range.", code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment with any offset, compared in UTC."""

    field_class = _UtcIsoDateTimeField
