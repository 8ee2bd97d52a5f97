"""The expert queue's order (``queue_order``): the service tier first (express, priority,
standard), then the member's plan priority snapshotted at submission, then the AI's routing
priority, due time and age; and the plan badge experts see on the queue and the case list."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from appraisals.selectors.reviews import review_queue
from appraisals.services import reviews as review_services
from appraisals.tests.prioritising import in_queue_paid, member_with
from appraisals.tests.reviewing import expert
from members.models import User
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_diamond_members_standard_case_comes_before_a_free_members_and_express_before_all(
    buyer: User, catalog: dict[str, Any]
) -> None:
    diamond = member_with("diamond", "diamond@example.com")
    black = member_with("black", "black@example.com")
    # Submitted first, so age alone would serve it first.
    free_standard = in_queue_paid(buyer, catalog["handbag"])
    black_standard = in_queue_paid(black, catalog["handbag"])
    diamond_standard = in_queue_paid(diamond, catalog["handbag"])
    free_priority = in_queue_paid(buyer, catalog["handbag"], tier="priority")
    # The AI's routing priority counts only between cases of the same tier and plan.
    free_express = in_queue_paid(buyer, catalog["handbag"], tier="express")
    diamond_express = in_queue_paid(diamond, catalog["handbag"], tier="express", priority=0)
    free_urgent_standard = in_queue_paid(buyer, catalog["handbag"], priority=50)

    expected = [
        diamond_express.pk,
        free_express.pk,
        free_priority.pk,
        diamond_standard.pk,
        black_standard.pk,
        free_urgent_standard.pk,
        free_standard.pk,
    ]
    assert [seat.submission_id for seat in review_queue()] == expected
    served = []
    for _ in expected:
        seat = review_services.review_take_next(expert=expert())
        assert seat is not None
        served.append(seat.submission_id)
    assert served == expected


def test_experts_see_the_plan_badge_on_the_queue_and_the_case_list(
    buyer: User, catalog: dict[str, Any]
) -> None:
    diamond = member_with("diamond", "diamond@example.com")
    diamond_case = in_queue_paid(diamond, catalog["handbag"])
    free_case = in_queue_paid(buyer, catalog["handbag"])
    reader = expert()
    client = Client()
    client.force_login(reader)

    queue = client.get(reverse("admin:appraisals_review_changelist")).content.decode()
    diamond_row = queue[queue.index(diamond_case.reference) :].split("</tr>")[0]
    free_row = queue[queue.index(free_case.reference) :].split("</tr>")[0]
    assert 'data-plan="diamond">Diamond</span>' in diamond_row
    assert "plan-badge" not in free_row  # Free earns no badge

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("admin:appraisals_review_changelist")).content.decode()
    assert 'data-plan="diamond">钻石' in chinese

    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cases = client.get(reverse("admin:appraisals_submission_changelist")).content.decode()
    diamond_row = cases[cases.index(diamond_case.reference) :].split("</tr>")[0]
    free_row = cases[cases.index(free_case.reference) :].split("</tr>")[0]
    assert '<span class="ws-badge plan-badge">Diamond</span>' in diamond_row
    assert "plan-badge" not in free_row
