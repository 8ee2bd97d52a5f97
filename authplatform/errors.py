"""A refused action (``Refused``), turning one into the sentences a page shows, and the one
JSON error shape of the API (``{"error": {"code", "message", "fields"}}``, api/errors.py)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class Refused(Exception):
    """A service refused what it was asked and wrote nothing: ``code`` is stable for callers
    and APIs, ``message`` is the sentence for the person. Each ledger has its own subclass
    (points, quotas, credit, billing); a page catches this one."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """A ValidationError's messages, or a refusal's one sentence."""
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The API's error shape; ``detail`` (a serializer's errors) fills ``fields``."""
    return {"error": {"code": code, "message": message, "fields": _fields(detail)}}


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
            if key != "non_field_errors"
        }
    return {}
