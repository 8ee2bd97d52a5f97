"""A partner's cases, live or sandbox, come through the API and are billed under the
partner's contract: submitting them takes no quota and issues no invoice, however many there
are. A member signed in on the website who calls the API still pays, as on the review step."""

from __future__ import annotations

from typing import Any

import pytest

from api.tests.conftest import api_for
from appraisals.models import Status, Submission
from appraisals.services.submissions import submission_submit
from appraisals.tests.paying import ready_draft
from billing.models import Invoice
from membership.models import QuotaUse
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def _api_case(api: Any, catalog: Any, **fields: Any) -> str:
    body = {"category": "handbag", "brand": "hermes", "tier": "express", **fields}
    created = api.post("/api/v1/submissions/", body)
    assert created.status_code == 201, created.content
    case = created.json()
    for index, slot in enumerate(catalog["handbag"].slots.order_by("position")):
        put = api.put_photo(
            f"/api/v1/submissions/{case['id']}/photos/{slot.code}/", good_jpeg(index)
        )
        assert put.status_code == 200
    return str(case["id"])


@pytest.mark.parametrize("sandbox", [False, True], ids=["live key", "sandbox key"])
def test_a_partners_cases_take_no_quota_and_no_invoice(
    partner,  # noqa: ANN001
    catalog,  # noqa: ANN001
    sandbox: bool,
) -> None:
    api = api_for(partner, sandbox=sandbox)
    fields = {"sandbox_outcome": "authentic"} if sandbox else {}
    cases = [_api_case(api, catalog, **fields) for _ in range(3)]

    for case in cases:
        submitted = api.post(f"/api/v1/submissions/{case}/submit/")
        assert submitted.status_code == 202, submitted.content

    assert Submission.objects.filter(owner=partner.account, round=1).count() == 3
    assert not QuotaUse.objects.filter(member=partner.account).exists()
    assert not Invoice.objects.filter(member=partner.account).exists()


def test_a_member_using_the_api_with_their_session_still_pays(client, buyer, catalog) -> None:  # noqa: ANN001
    """Only a partner's key skips the fee: a member signed in on the website who calls the
    API gets the same 400 as the review step, and nothing is submitted."""
    submission_submit(submission=ready_draft(buyer, catalog["handbag"]))
    unpaid = ready_draft(buyer, catalog["handbag"])
    client.force_login(buyer)

    response = client.post(f"/api/v1/submissions/{unpaid.uid}/submit/")

    assert response.status_code == 400
    assert (
        "This case costs €29.00. Pay it to submit the case." in response.json()["error"]["message"]
    )
    unpaid.refresh_from_db()
    assert unpaid.status == Status.DRAFT
