"""Every object endpoint, tried with another partner's key (all scopes), answers 404, and
nothing of the owner's changes. Verification and passports are public by design: anyone may
verify a report they were shown, and a passport's token is its public address."""

from __future__ import annotations

import re

import pytest

from api import urls as api_urls
from api.tests.conftest import api_for
from appraisals.models import Submission
from disputes.services import dispute_open
from tests.photos import good_jpeg
from webhooks import urls as webhook_urls
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

# Every route with an object id, and how to call it.
CALLS = [
    ("get", "/api/v1/submissions/{submission}/"),
    ("get", "/api/v1/submissions/{submission}/timeline/"),
    ("post", "/api/v1/submissions/{submission}/submit/"),
    ("put", "/api/v1/submissions/{submission}/photos/front/"),
    ("get", "/api/v1/reports/{report}/"),
    ("get", "/api/v1/reports/{report}/document/"),
    ("get", "/api/v1/reports/{report}/pdf/"),
    ("get", "/api/v1/reports/{report}/bundle/"),
    ("get", "/api/v1/disputes/{dispute}/"),
    ("get", "/api/v1/webhooks/endpoints/{endpoint}/"),
    ("patch", "/api/v1/webhooks/endpoints/{endpoint}/"),
    ("delete", "/api/v1/webhooks/endpoints/{endpoint}/"),
    ("post", "/api/v1/webhooks/endpoints/{endpoint}/test/"),
    ("post", "/api/v1/webhooks/endpoints/{endpoint}/rotate-secret/"),
    ("get", "/api/v1/webhooks/endpoints/{endpoint}/deliveries/"),
]
DETAIL = {
    "submission": "/api/v1/submissions/{submission}/",
    "report": "/api/v1/reports/{report}/",
    "dispute": "/api/v1/disputes/{dispute}/",
    "endpoint": "/api/v1/webhooks/endpoints/{endpoint}/",
}
PUBLIC = {
    "v1/verify/<uuid:uid>/",
    "v1/passports/<slug:token>/",
    "v1/passports/<slug:token>/events/",
}


def _object_routes() -> set[str]:
    routes = {str(p.pattern) for p in api_urls.urlpatterns if hasattr(p, "callback")}
    routes |= {f"v1/webhooks/{p.pattern}" for p in webhook_urls.urlpatterns}
    return {r for r in routes if "<" in r} - PUBLIC


def test_the_list_below_covers_every_object_route() -> None:
    covered = {re.sub(r"\{\w+\}", "<uuid:uid>", path.removeprefix("/api/")) for _, path in CALLS}
    covered = {re.sub(r"photos/front/", "photos/<slug:slot>/", c) for c in covered}
    assert _object_routes() == covered


@pytest.fixture
def owned(partner, report, catalog) -> dict[str, str]:  # noqa: ANN001
    dispute = dispute_open(
        report=report, user=partner.account, reason="wrong_verdict",
        description="The stitching differs from the reference bag.",
    )  # fmt: skip
    draft = Submission.objects.create(
        owner=partner.account, category=catalog["handbag"], brand=report.submission.brand
    )
    endpoint = endpoint_create(
        partner=partner, url="http://127.0.0.1:9/hooks", event_types=["report.issued"],
        sandbox=False,
    )  # fmt: skip
    return {
        "submission": str(draft.uid),
        "report": str(report.uid),
        "dispute": str(dispute.uid),
        "endpoint": str(endpoint.uid),
    }


@pytest.mark.parametrize(("method", "template"), CALLS)
def test_another_partners_key_gets_404(partner, rival, owned, method, template) -> None:  # noqa: ANN001
    theirs = api_for(rival)
    path = template.format(**owned)
    if method == "put":
        response = theirs.put_photo(path, good_jpeg())
    else:
        body = {"event_type": "report.issued", "url": "http://127.0.0.1:9/x"}
        response = getattr(theirs.client, method)(path, body, content_type="application/json")

    assert response.status_code == 404, (method, path, response.content)
    assert response.json()["error"]["code"] == "not_found"
    # The owner's objects are untouched, and the owner still reaches them.
    assert WebhookEndpoint.objects.get(uid=owned["endpoint"]).active
    assert Submission.objects.get(uid=owned["submission"]).status == "draft"
    kind = re.search(r"\{(\w+)\}", template).group(1)  # type: ignore[union-attr]
    assert api_for(partner).get(DETAIL[kind].format(**owned)).status_code == 200
