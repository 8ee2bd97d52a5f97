"""A small typed client for the authplatform partner API v1 (standard library only).

    from authplatform_client import Client
    api = Client("https://authplatform.example", api_key="ak_live_…")

Every POST carries an ``Idempotency-Key``, so the client's own retries (a dropped connection,
429 after ``Retry-After``, 502/503/504) never do anything twice. Errors raise ``ApiError`` with
the API's ``code``, ``message`` and per-field messages. See docs/api.md.
"""

from authplatform_client.client import ApiError, Client
from authplatform_client.types import (
    Category,
    Photo,
    PhotoIssue,
    ReportSummary,
    Slot,
    Submission,
    Verification,
    WebhookEndpoint,
)
from authplatform_client.webhooks import signature_verify

__all__ = [
    "ApiError",
    "Category",
    "Client",
    "Photo",
    "PhotoIssue",
    "ReportSummary",
    "Slot",
    "Submission",
    "Verification",
    "WebhookEndpoint",
    "signature_verify",
]
