"""The partner API for webhook endpoints: the secret is shown once, a partner sees only its
own endpoints of its key's mode, the scope is needed, and a test event arrives."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from api.models import Scope
from api.tests.conftest import Api, api_for
from members.tests.factories import UserFactory
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from webhooks.services import endpoint_create, webhook_test_send

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhooks/endpoints/"


def _patch(api: Api, path: str, body: dict[str, Any]) -> Any:
    return api.client.patch(path, body, content_type="application/json")


def _register(api: Api, url: str, types: list[str] | None = None) -> Any:
    body = {"url": url, "event_types": types or ["report.issued"], "description": ""}
    return api.post(ENDPOINTS, body)


def test_registering_returns_the_secret_this_once(partner, receiver) -> None:  # noqa: ANN001
    api = api_for(partner, Scope.WEBHOOKS, sandbox=True)

    created = _register(api, receiver.url, ["report.issued", "report.revoked"])
    listed = api.get(ENDPOINTS).json()["results"]
    detail = api.get(f"{ENDPOINTS}{created.json()['id']}/").json()

    assert created.status_code == 201
    body = created.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["sandbox"] is True and endpoint.sandbox and endpoint.partner == partner
    assert body["event_types"] == ["report.issued", "report.revoked"]
    assert [e["id"] for e in listed] == [str(endpoint.uid)] and detail["url"] == receiver.url
    assert "secret" not in listed[0] and "secret" not in detail


def test_an_unknown_event_type_is_a_400(partner, receiver) -> None:  # noqa: ANN001
    response = _register(api_for(partner), receiver.url, ["report.eaten"])

    assert response.status_code == 400 and "event_types" in response.json()["error"]["fields"]


def test_another_partners_endpoint_or_the_other_modes_is_a_404(
    partner,
    rival,
    receiver,  # noqa: ANN001
) -> None:
    theirs = endpoint_create(
        partner=rival, url=receiver.url, event_types=["report.issued"], sandbox=False
    )
    sandbox = endpoint_create(
        partner=partner, url=receiver.url, event_types=["report.issued"], sandbox=True
    )
    api = api_for(partner)

    for endpoint in (theirs, sandbox):
        path = f"{ENDPOINTS}{endpoint.uid}/"
        assert api.get(path).status_code == 404
        assert _patch(api, path, {"active": False}).status_code == 404
        assert api.client.delete(path).status_code == 404
        assert api.post(f"{path}test/", {"event_type": "report.issued"}).status_code == 404
        assert api.get(f"{path}deliveries/").status_code == 404
        assert api.post(f"{path}rotate-secret/").status_code == 404
    assert api.get(ENDPOINTS).json()["results"] == []
    assert api_for(rival).get(f"{ENDPOINTS}{theirs.uid}/").status_code == 200
    theirs.refresh_from_db()
    assert theirs.active and not WebhookDelivery.objects.exists()


def test_a_key_without_the_webhooks_scope_or_a_user_without_a_partner_is_refused(
    partner,
    receiver,  # noqa: ANN001
) -> None:
    catalog_only = api_for(partner, Scope.CATALOG_READ)
    session = Client()
    session.force_login(UserFactory(email="someone@example.com"))
    owner = Client()
    owner.force_login(partner.account)

    assert catalog_only.get(ENDPOINTS).status_code == 403
    assert _register(catalog_only, receiver.url).status_code == 403
    refused = session.get(ENDPOINTS)
    assert refused.status_code == 403 and "partner API key" in refused.json()["error"]["message"]
    assert Client().get(ENDPOINTS).status_code == 401
    assert owner.get(ENDPOINTS).status_code == 200


def test_a_test_event_of_each_type_arrives_signed(
    partner,
    receiver,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    api = api_for(partner, Scope.WEBHOOKS)
    created = _register(api, receiver.url).json()
    receiver.secret = created["secret"]

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            api.post(f"{ENDPOINTS}{created['id']}/test/", {"event_type": event_type})
            for event_type in EventType.values
        ]

    assert [r.status_code for r in responses] == [202] * len(EventType.values)
    assert responses[0].json()["test"] is True and responses[0].json()["state"] == "pending"
    assert [r.json["type"] for r in receiver.requests] == EventType.values
    assert all(r.verified and r.json["test"] is True for r in receiver.requests)
    deliveries = api.get(f"{ENDPOINTS}{created['id']}/deliveries/").json()["results"]
    assert len(deliveries) == len(EventType.values) and deliveries[0]["state"] == "succeeded"
    assert deliveries[0]["attempts"][0]["status_code"] == 200


def test_deliveries_page_by_cursor_in_a_fixed_number_of_queries(
    partner,
    endpoint,
    django_assert_num_queries,  # noqa: ANN001
) -> None:
    api = api_for(partner)
    path = f"{ENDPOINTS}{endpoint.uid}/deliveries/"
    webhook_test_send(endpoint=endpoint, event_type=EventType.REPORT_ISSUED)
    api.get(path)  # the key is cached and its last use recorded

    with django_assert_num_queries(3) as one:  # the endpoint, its deliveries, their attempts
        api.get(path)
    for _ in range(4):
        webhook_test_send(endpoint=endpoint, event_type=EventType.REPORT_ISSUED)
    with django_assert_num_queries(len(one.captured_queries)):
        first = api.get(path, page_size=3).json()
    second = api.get(first["next"].replace("http://testserver", "")).json()

    assert len(first["results"]) == 3 and len(second["results"]) == 2
    assert not {d["id"] for d in first["results"]} & {d["id"] for d in second["results"]}


def test_changing_disabling_rotating_and_deleting(
    partner,
    receiver,
    endpoint,
    settings,  # noqa: ANN001
) -> None:
    api = api_for(partner)
    path = f"{ENDPOINTS}{endpoint.uid}/"
    pending = webhook_test_send(endpoint=endpoint, event_type=EventType.REPORT_ISSUED)

    changed = _patch(api, path, {"event_types": ["dispute.updated"], "description": "ops"})
    refused = _patch(api, path, {"url": "http://10.0.0.1/"})
    disabled = _patch(api, path, {"active": False})
    pending.refresh_from_db()
    rotated = api.post(f"{path}rotate-secret/")
    deleted = api.client.delete(path)

    assert changed.status_code == 200 and changed.json()["event_types"] == ["dispute.updated"]
    assert refused.status_code == 400 and disabled.json()["active"] is False
    assert pending.state == "failed" and pending.next_attempt_at is None
    assert rotated.status_code == 200 and rotated.json()["secret"] != endpoint.secret
    assert deleted.status_code == 204 and api.get(path).status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_the_schema_documents_the_webhook_endpoints_without_warnings(tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))

    schema = out.read_text()
    assert "/api/v1/webhooks/endpoints/{uid}/test/:" in schema
    assert "WebhookEventType:" in schema
