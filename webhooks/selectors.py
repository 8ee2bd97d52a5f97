"""Endpoints a partner may see (its own, of its key's mode) and deliveries that are due."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from api.models import Partner
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints_of(*, partner: Partner, sandbox: bool) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(partner=partner, sandbox=sandbox).order_by(
        "-created_at", "-id"
    )


def endpoint_of_get(*, partner: Partner, sandbox: bool, uid: uuid.UUID) -> WebhookEndpoint:
    """The partner's endpoint ``uid``; another partner's, or one of the other mode, is a 404."""
    try:
        return endpoints_of(partner=partner, sandbox=sandbox).get(uid=uid)
    except WebhookEndpoint.DoesNotExist as error:
        raise Http404("No such webhook endpoint.") from error


def endpoints_subscribed(
    *, partner: Partner, event_type: str, sandbox: bool
) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(
        partner=partner, sandbox=sandbox, active=True, event_types__contains=[event_type]
    )
    return list(endpoints.order_by("id"))


def endpoints_subscribed_everywhere(
    *, event_type: str, sandbox: bool, exclude_partner_ids: Collection[int] = ()
) -> list[WebhookEndpoint]:
    """Every partner's active endpoints subscribed to ``event_type``, for an event about
    public data that any partner may hear of (ordered by partner)."""
    endpoints = WebhookEndpoint.objects.filter(
        sandbox=sandbox, active=True, event_types__contains=[event_type]
    ).exclude(partner_id__in=list(exclude_partner_ids))
    return list(endpoints.select_related("partner").order_by("partner_id", "id"))


def endpoint_deliveries(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, with their event and attempts."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")
    )


def deliveries_due(*, before: datetime) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=before
    ).order_by("next_attempt_at", "id")
