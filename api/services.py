"""What the API does on top of the appraisals services: a submission made in one call, and
revoking a key."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.request import Request

from api.models import ApiKey
from api.selectors import request_partner, request_sandbox
from appraisals.models import Submission, Tier
from appraisals.services.submissions import submission_details_update, submission_start


def submission_create_from_api(*, request: Request, data: dict[str, Any]) -> Submission:
    """A draft with its item, details and tier, all or nothing.

    A partner's submissions belong to the partner's account; a sandbox key's are sandbox
    submissions, which the bot expert signs with ``sandbox_outcome``.
    """
    partner = request_partner(request)
    owner = partner.account if partner is not None else request.user
    with transaction.atomic():
        submission = submission_start(
            owner=owner,
            category=data["category"],
            brand=data["brand"],
            product_model=data.get("product_model"),
        )
        submission_details_update(
            submission=submission,
            serial_code=data.get("serial_code", ""),
            tier=data.get("tier") or Tier.STANDARD,
            declared_value_eur=data.get("declared_value_eur"),
        )
        submission.external_reference = data.get("external_reference", "")
        submission.sandbox = request_sandbox(request)
        submission.sandbox_outcome = data.get("sandbox_outcome", "") if submission.sandbox else ""
        submission.save(update_fields=["external_reference", "sandbox", "sandbox_outcome"])
    return submission


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke at once: the row, and the cached copy authentication would otherwise use."""
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])  # api.authentication's receiver drops the copies
    return key
