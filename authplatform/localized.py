"""Text that staff write in two languages on a row (a catalog name, a plan's name): the
Simplified Chinese one while Chinese is active and staff gave one, else the English one."""

from __future__ import annotations

from django.utils.translation import get_language


def localized_text(english: str, chinese: str) -> str:
    if chinese and (get_language() or "").lower().startswith("zh"):
        return chinese
    return english
