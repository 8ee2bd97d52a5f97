"""A slow receiver hits the timeout, a huge response is read only up to the cap, and a
redirect is recorded as a failure, never followed."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from webhooks import outbound
from webhooks.models import EventType, WebhookAttempt, WebhookDelivery
from webhooks.services import webhook_emit

pytestmark = pytest.mark.django_db


def _deliver(partner, capture) -> WebhookAttempt:  # noqa: ANN001
    with capture(execute=True), transaction.atomic():
        webhook_emit(partner=partner, event_type=EventType.REPORT_ISSUED, data={}, sandbox=False)
    return WebhookAttempt.objects.get()


def test_a_slow_receiver_hits_the_timeout_and_is_retried(
    partner,
    endpoint,
    receiver,
    settings,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    receiver.delay = 10

    attempt = _deliver(partner, django_capture_on_commit_callbacks)

    assert attempt.status_code is None and attempt.error == "Timed out after 0.5 s."
    assert 400 <= attempt.latency_ms < 3000
    assert WebhookDelivery.objects.get().state == "pending"


def test_a_receiver_that_never_stops_answering_is_read_up_to_the_cap(
    partner,
    endpoint,
    receiver,
    settings,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    settings.WEBHOOK_MAX_RESPONSE_BYTES = 100_000
    receiver.stream = True
    started = time.monotonic()

    reply = outbound.post(receiver.url, body=b"{}", headers={})
    attempt = _deliver(partner, django_capture_on_commit_callbacks)

    assert len(reply.body) == 100_000 and reply.truncated and reply.status == 200
    assert time.monotonic() - started < 5
    assert attempt.status_code == 200 and attempt.response_excerpt == "x" * 500


@pytest.mark.parametrize("private", [True, False], ids=["to-private", "to-loopback"])
def test_a_redirect_is_a_failure_and_is_not_followed(
    partner, endpoint, receiver, other_receiver, private,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:  # fmt: skip
    receiver.status = 307
    location = "http://169.254.169.254/latest/meta-data/" if private else other_receiver.url
    receiver.headers = {"Location": location}

    attempt = _deliver(partner, django_capture_on_commit_callbacks)

    assert attempt.status_code == 307 and "Redirects are not followed" in attempt.error
    assert WebhookDelivery.objects.get().state == "pending"
    assert len(receiver.requests) == 1 and not other_receiver.requests
