"""Turning a refused action into the sentences a page shows."""

from django.core.exceptions import PermissionDenied, ValidationError


def error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """A ValidationError's messages, or a refusal's one sentence."""
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]
