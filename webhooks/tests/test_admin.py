"""Staff see deliveries with their attempts and redeliver from the admin; a partner's
account is no staff."""

from __future__ import annotations

import pytest
from django.test import Client

from members.tests.factories import UserFactory
from webhooks.models import EventType, WebhookDelivery
from webhooks.services import webhook_test_send

pytestmark = pytest.mark.django_db

DELIVERIES = "/admin/webhooks/webhookdelivery/"


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_staff_redeliver_a_failed_delivery_and_a_new_attempt_is_recorded(
    staff,
    endpoint,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_test_send(endpoint=endpoint, event_type=EventType.REPORT_ISSUED)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state="failed", next_attempt_at=None)
    receiver.status = 200

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
        )

    delivery.refresh_from_db()
    assert (
        response.status_code == 200 and "1 delivery(ies) sent again." in response.content.decode()
    )
    assert [a.status_code for a in delivery.attempts.order_by("number")] == [500, 200]
    assert delivery.state == "succeeded" and len(receiver.requests) == 2
    page = staff.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert "Redeliver" in staff.get(DELIVERIES).content.decode() and "500" in page


def test_the_endpoint_list_shows_what_staff_need_and_hides_the_secret(
    staff,
    endpoint,  # noqa: ANN001
) -> None:
    listing = staff.get("/admin/webhooks/webhookendpoint/").content.decode()
    page = staff.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()

    assert endpoint.url in listing and "Resale Market" in listing
    assert endpoint.secret not in listing and endpoint.secret not in page
    assert staff.get("/admin/webhooks/webhookevent/").status_code == 200


def test_a_partner_account_cannot_open_the_admin(partner, endpoint) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(partner.account)

    assert client.get(DELIVERIES).status_code == 302
