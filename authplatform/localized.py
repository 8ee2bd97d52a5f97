"""What a reader sees in their language: text that staff write in two languages on a row (a
catalog name, a plan's name), and a day written as the reader's language writes dates."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language


def localized_day(moment: datetime) -> str:
    """The day of ``moment`` in the site's time zone, e.g. "Dec. 6, 2026" or "2026年12月6日"."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def localized_text(english: str, chinese: str) -> str:
    """The Simplified Chinese text while Chinese is active and staff gave one, else the
    English one."""
    if chinese and (get_language() or "").lower().startswith("zh"):
        return chinese
    return english
