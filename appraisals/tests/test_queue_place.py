"""What a buyer is told while the case waits for an expert: its place in the queue (in the
order experts take cases), an expected start and the due time; then, once an expert claims it,
that an expert is reviewing it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Submission
from appraisals.selectors.queue import QueuePlace, submission_queue_place
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert

pytestmark = pytest.mark.django_db


def _status_line(client: Client, submission) -> str:  # noqa: ANN001
    page = client.get(reverse("appraisals:submission-timeline", args=[submission.uid]))
    html = page.content.decode()
    return html[html.index('<p class="statusline') : html.index("</p>")]


def _place(submission: Submission) -> QueuePlace:
    place = submission_queue_place(submission=submission)
    assert place is not None
    return place


def test_it_numbers_the_cases_waiting_in_the_order_experts_take_them(buyer, catalog) -> None:  # noqa: ANN001
    first = case_in_queue(buyer, catalog["handbag"])
    second = case_in_queue(buyer, catalog["handbag"], depth="double")
    assert _place(first).position == 1
    # A case with two seats counts once.
    assert _place(second).position == 2
    express = case_in_queue(buyer, catalog["watch"], tier="express")
    # Express goes ahead of the standard cases, as review_take_next serves it.
    assert _place(express).position == 1
    assert _place(first).position == 2
    assert _place(second).position == 3
    seat = review_services.review_take_next(expert=expert())
    assert seat is not None and seat.submission_id == express.pk


def test_it_expects_a_later_start_for_a_case_further_back(buyer, catalog) -> None:  # noqa: ANN001
    now = timezone.now()
    first = case_in_queue(buyer, catalog["handbag"])
    second = case_in_queue(buyer, catalog["handbag"])
    one = submission_queue_place(submission=first, now=now)
    two = submission_queue_place(submission=second, now=now)
    assert one is not None and two is not None
    assert one.expected_start == now
    assert two.expected_start is not None and two.expected_start > now
    assert two.due_at == second.due_at


def test_it_says_waiting_until_an_expert_claims_the_case_then_reviewing(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    first = case_in_queue(buyer, catalog["handbag"])
    second = case_in_queue(buyer, catalog["handbag"])
    client.force_login(buyer)

    line = _status_line(client, second)
    assert "waiting for an expert" in line
    assert "number 2 in the queue" in line
    assert 'data-queue-position="2"' in line
    assert "An expert should start on it in about" in line
    assert "Your report is due by" in line
    assert "reviewing" not in line
    assert "It is next" in _status_line(client, first)

    seat = review_services.review_take_next(expert=expert())
    assert seat is not None and seat.submission_id == first.pk

    line = _status_line(client, first)
    assert "An expert is reviewing your item." in line
    assert "waiting for an expert" not in line
    assert "number 1 in the queue" in _status_line(client, second)


def test_a_claim_that_ran_out_puts_the_case_back_to_waiting(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    seat = review_services.review_take_next(expert=expert())
    assert seat is not None
    assert _place(case).with_expert
    later = timezone.now() + timedelta(days=1)
    place = submission_queue_place(submission=case, now=later)
    assert place is not None and not place.with_expert and place.position == 1


def test_a_case_not_waiting_for_an_expert_has_no_place(buyer, catalog) -> None:  # noqa: ANN001
    from appraisals.tests.factories import draft_for

    assert submission_queue_place(submission=draft_for(buyer, catalog["handbag"])) is None
