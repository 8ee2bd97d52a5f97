"""The Priority (12 h) service tier wherever tiers are: its price per category, the wizard's
tier choice with each tier's price after the member's benefits, and the validation message
(the partner API's enum: api/tests/test_it_takes_the_priority_tier_over_the_api.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from appraisals.models import Submission
from appraisals.pricing import Money, PriceInput, PricingPolicy, appraisal_price
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for
from members.models import User
from membership.models import Plan
from membership.services.plans import membership_grant

pytestmark = pytest.mark.django_db


def _offer(page: str, tier: str) -> str:
    start = page.index(f'class="tier-offer" data-tier="{tier}"')
    return page[start : page.index("</span></span>", start)]


def _details(client: Client, submission: Submission) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get(reverse("appraisals:submission-details", args=[submission.uid]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_priority_has_its_own_price_and_a_dearer_one_for_watches() -> None:
    policy = PricingPolicy.from_settings()

    assert appraisal_price(PriceInput("priority", "handbag"), policy) == Money(4400)
    assert appraisal_price(PriceInput("priority", "watch"), policy) == Money(5900)
    assert settings.APPRAISAL_FEE_EUR["priority"] == 44
    assert settings.GUARANTEE_CAP_EUR["priority"] > settings.GUARANTEE_CAP_EUR["standard"]


def test_a_free_member_sees_each_tiers_price_and_what_they_pay_after_their_free_appraisal(
    client: Client, buyer: User, catalog: dict[str, Any]
) -> None:
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    client.force_login(buyer)

    page = _details(client, submission)

    assert 'data-tier="standard">€29.00<' in page
    assert 'data-tier="priority">€44.00<' in page
    assert 'data-tier="express">€59.00<' in page
    assert "Free for you" in _offer(page, "standard")
    priority = _offer(page, "priority")
    assert "€15.00 for you" in priority  # €44.00 less the Standard price a free appraisal covers
    assert "you pay €15.00 for the faster tier" in priority
    assert "€30.00 for you" in _offer(page, "express")
    assert "Report within 12 hours." in page


def test_a_pass_holder_sees_the_pass_cover_and_a_diamond_member_the_shorter_promise(
    client: Client, buyer: User, catalog: dict[str, Any]
) -> None:
    membership_grant(member=buyer, plan=Plan.objects.get(code="pass-monthly"))
    submission = draft_for(buyer, catalog["watch"], with_photos=True)
    client.force_login(buyer)

    page = _details(client, submission)

    assert 'data-tier="priority">€59.00<' in page  # the watch price
    standard = _offer(page, "standard")
    assert "Free for you" in standard and "Covered by your pass." in standard
    assert "€20.00 for you" in _offer(page, "priority")  # €59.00 less the watch Standard €39.00

    membership_grant(member=buyer, plan=Plan.objects.get(code="diamond"))
    page = _details(client, submission)
    # Diamond's 6-hour SLA is shorter than Standard's 24 and Priority's 12 hours.
    assert page.count("Report within 6 hours.") == 2
    assert "Report within 2 hours." in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("appraisals:submission-details", args=[submission.uid]))
    assert chinese.status_code == 200 and 'data-tier="priority"' in chinese.content.decode()


def test_the_wizard_takes_priority_and_names_all_three_tiers_when_refusing(
    client: Client, buyer: User, catalog: dict[str, Any]
) -> None:
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    client.force_login(buyer)
    url = reverse("appraisals:submission-details", args=[submission.uid])

    answer = client.post(url, {"serial_code": "", "tier": "priority"})
    assert answer.status_code == 302
    submission.refresh_from_db()
    assert submission.tier == "priority"

    refused = client.post(url, {"serial_code": "", "tier": "overnight"})
    assert refused.status_code == 400
    with pytest.raises(ValidationError, match="Choose standard, priority or express."):
        submission_details_update(submission=submission, serial_code="", tier="overnight")
