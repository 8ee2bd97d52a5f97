"""Every webhook a partner receives is what the OpenAPI schema says: a real delivery of every
event type (a case taken through photos, signature, dispute, correction and anchoring on a
ganache node, and another partner hearing of the revocation), and a test event of every type
sent through the API, each validated against ``WebhookEvent`` and its own component, strictly
(no field the schema leaves out), with the delivery headers the schema describes."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema

from api.models import Partner
from api.tests.conftest import api_for, report_signed
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events
from disputes.services import dispute_open
from provenance.tests.conftest import ganache, settle, w3  # noqa: F401  (fixtures)
from tests.photos import blurry_jpeg
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from webhooks.schema import DELIVERY_HEADERS, event_component_name
from webhooks.services import endpoint_create
from webhooks.tasks import webhook_deliver
from webhooks.tests.conftest import Received, Receiver

pytestmark = pytest.mark.django_db
REVOKED = EventType.REPORT_REVOKED


@pytest.fixture
def openapi() -> dict[str, Any]:
    """The API's schema with the hook last among the postprocessing hooks, as settings run it."""
    ours = "webhooks.schema.webhook_components"
    hooks = [h for h in settings.SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] if h != ours]
    with patched_settings({"POSTPROCESSING_HOOKS": [*hooks, ours]}):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # OpenAPI 3.0.3, as drf-spectacular's --validate checks it
    return schema


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's dialect as JSON Schema (``nullable``), strict: an object may hold only
    the properties it lists, so a field sent but not described fails too."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items()}
    if "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


class Contract:
    def __init__(self, openapi: dict[str, Any]) -> None:
        self.schemas = _json_schema(openapi["components"]["schemas"])
        self.headers = openapi["components"]["headers"]

    def errors(self, name: str, instance: Any) -> list[str]:
        root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": self.schemas}}
        validator = jsonschema.Draft202012Validator(
            root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]

    def check(self, received: Received) -> None:
        body = received.json
        for name in (event_component_name(body["type"]), "WebhookEvent"):
            assert not self.errors(name, body), (name, self.errors(name, body), body)
        for header, described in self.headers.items():
            value = received.headers[header]
            assert not self.errors_of(described["schema"], value), (header, value)

    def errors_of(self, schema: dict[str, Any], value: Any) -> list[str]:
        root = {**_json_schema(schema), "components": {"schemas": self.schemas}}
        return [e.message for e in jsonschema.Draft202012Validator(root).iter_errors(value)]


def _deliver_all() -> None:
    """Each pending delivery's attempt, by the task that sends it after the commit."""
    for delivery_id in WebhookDelivery.objects.filter(state="pending").values_list("pk", flat=True):
        assert webhook_deliver(delivery_id) == "succeeded"


def _headers_match_the_delivery(received: Received) -> None:
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(
        pk=int(received.headers["Authplatform-Delivery-Id"])
    )
    assert received.headers["Authplatform-Endpoint-Id"] == str(delivery.endpoint.uid)
    assert (
        received.headers["Authplatform-Event-Id"] == delivery.event.wire_id == received.json["id"]
    )
    assert received.verified


def test_every_real_event_matches_its_component(
    partner: Partner,
    rival: Partner,
    catalog: dict[str, Any],
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    other_receiver: Receiver,
    w3: Any,  # noqa: F811
    openapi: dict[str, Any],
) -> None:
    theirs = endpoint_create(
        partner=rival, url=other_receiver.url, event_types=[EventType.REPORT_REVOKED],
        sandbox=False,
    )  # fmt: skip
    other_receiver.secret = theirs.secret
    api = api_for(partner)
    draft = api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes"}).json()
    slot = catalog["handbag"].slots.order_by("position").first().code
    assert not api.put_photo(
        f"/api/v1/submissions/{draft['id']}/photos/{slot}/", blurry_jpeg()
    ).json()["accepted"]
    report = report_signed(partner.account, catalog["handbag"])
    dispute_open(
        report=report, user=partner.account, reason="wrong_verdict",
        description="The stitching differs from the reference bag.",
    )  # fmt: skip
    report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped.",
    )
    # The revocation notice is anchored before its event is delivered, so the feed's entry
    # carries an anchor with its time.
    settle(w3)
    deliver_events()
    _deliver_all()

    contract = Contract(openapi)
    for received in receiver.requests + other_receiver.requests:
        contract.check(received)
        _headers_match_the_delivery(received)
        assert received.json["test"] is False
    assert {r.json["type"] for r in receiver.requests} == set(EventType.values)
    (public,) = other_receiver.requests
    assert not contract.errors("ReportRevokedPublicData", public.json["data"])
    assert public.json["data"]["revocation"]["anchor"]["anchored_at"] is not None
    own = [r.json["data"] for r in receiver.requests if r.json["type"] == REVOKED]
    assert len(own) == 1 and not contract.errors("ReportRevokedOwnData", own[0])
    assert {h for r in receiver.requests for h in r.headers if h.startswith("Authplatform-")} == {
        h for h in DELIVERY_HEADERS if h.startswith("Authplatform-")
    }


def test_every_test_event_matches_its_component(
    partner: Partner, endpoint: WebhookEndpoint, receiver: Receiver, openapi: dict[str, Any]
) -> None:
    api = api_for(partner)
    for event_type in EventType.values:
        sent = api.post(
            f"/api/v1/webhooks/endpoints/{endpoint.uid}/test/", {"event_type": event_type}
        )
        assert sent.status_code == 202, sent.json()
    _deliver_all()

    contract = Contract(openapi)
    assert [r.json["type"] for r in receiver.requests] == EventType.values
    for received in receiver.requests:
        contract.check(received)
        _headers_match_the_delivery(received)
        assert received.json["test"] is True


def test_the_contract_refuses_a_wrong_type_a_missing_field_and_an_undescribed_one(
    partner: Partner, endpoint: WebhookEndpoint, receiver: Receiver, openapi: dict[str, Any]
) -> None:
    api = api_for(partner)
    api.post(f"/api/v1/webhooks/endpoints/{endpoint.uid}/test/", {"event_type": "report.issued"})
    _deliver_all()
    body = receiver.requests[0].json
    contract = Contract(openapi)
    assert not contract.errors("WebhookEvent", body)

    wrong, missing, extra, mistyped = (copy.deepcopy(body) for _ in range(4))
    wrong["data"]["report"]["version"] = "1"
    del missing["data"]["submission"]["reference"]
    extra["data"]["report"]["serial"] = "SN-1"
    mistyped["type"] = "report.revoked"

    for changed in (wrong, missing, extra, mistyped):
        assert contract.errors("WebhookEvent", changed), changed
    assert contract.errors("WebhookEventReportIssued", {**body, "created_at": "2026-12-06"})
