"""The expert's console in the admin: the queue page, "take next", and the case page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Feature, Report, Review, Status
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:appraisals_review_changelist")
TAKE = reverse("admin:appraisals_review_take_next")


def _client(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def _case_post(**extra: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for feature in Feature:
        data[f"{feature.value}-result"] = "consistent"
        data[f"{feature.value}-reason"] = f"{feature.label} as on the reference"
    data.update(
        {
            "condition-grade": "excellent",
            "condition-wear_notes": "Faint marks on the base.",
            "condition-repairs": "none seen",
            "condition-replaced_parts": "none seen",
        }
    )
    data.update(extra)
    return data


def test_only_experts_open_the_queue(buyer, catalog) -> None:  # noqa: ANN001
    assert _client(buyer).get(QUEUE).status_code == 302  # the admin sends non-staff to log in
    staff_only = UserFactory(is_staff=True)
    assert _client(staff_only).get(QUEUE).status_code == 403
    assert _client(expert()).get(QUEUE).status_code == 200


def test_the_queue_page_lists_cases_in_order_with_a_fixed_query_count(
    buyer, catalog, django_assert_num_queries
) -> None:  # noqa: ANN001
    alice = expert()
    client = _client(alice)
    case_in_queue(buyer, catalog["handbag"])
    client.get(QUEUE)  # warm caches (content types, permissions)
    with django_assert_num_queries(7) as first:
        response = client.get(QUEUE)
    assert response.status_code == 200
    for _ in range(3):
        case_in_queue(buyer, catalog["watch"], tier="express")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(QUEUE)
    body = response.content.decode()
    assert body.count('class="queue-row') == 4
    # Express cases come first.
    first_row = body.index('class="queue-row')
    assert "Express" in body[first_row : first_row + 600]


def test_an_overdue_case_shows_in_red(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    case.due_at = case.submitted_at
    case.save(update_fields=["due_at"])
    body = _client(expert()).get(QUEUE).content.decode()
    assert "overdue by" in body and "time-left--overdue" in body


def test_take_next_then_sign_on_the_case_page(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    client = _client(expert())
    response = client.post(TAKE)
    seat = Review.objects.get(submission=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:appraisals_review_case", args=[seat.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Where the AI looked" in html or "AI heatmap" in html or "Not screened" in html
    assert "how this slot looks on a genuine item" in html
    # Missing condition: saved findings are kept, signing is refused with a clear message.
    partial = _case_post(**{"sign-verdict": "authentic", "sign": "1", "condition-grade": ""})
    response = client.post(response["Location"], partial)
    assert response.status_code == 400
    assert "condition" in response.content.decode().lower()
    assert seat.findings.count() == len(Feature)
    response = client.post(
        reverse("admin:appraisals_review_case", args=[seat.pk]),
        _case_post(**{"sign-verdict": "authentic", "sign": "1"}),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    assert Report.objects.get(submission=case).verdict == "authentic"


def test_the_second_expert_does_not_see_the_first_verdict(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"], depth="double")
    alice, bob = expert(), expert()
    first = review_services.review_take_next(expert=alice)
    sign(first, alice, "counterfeit", "Stamp kerning is off by a hair")
    second = review_services.review_take_next(expert=bob)
    html = _client(bob).get(reverse("admin:appraisals_review_case", args=[second.pk])).content
    assert b"You review blind" in html
    assert b"Stamp kerning is off by a hair" not in html
    # Another expert can't open Bob's seat at all.
    other = _client(expert()).get(reverse("admin:appraisals_review_case", args=[second.pk]))
    assert other.status_code == 404
    # The senior sees both opinions.
    sign(second, bob, "authentic")
    carol = expert(senior=True)
    senior = review_services.review_take_next(expert=carol)
    html = _client(carol).get(reverse("admin:appraisals_review_case", args=[senior.pk])).content
    assert b"The opinions you decide between" in html
    assert b"Stamp kerning is off by a hair" in html
    assert case.pk == senior.submission_id


def test_request_more_photos_from_the_case_page(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    client = _client(expert())
    client.post(TAKE)
    seat = Review.objects.get(submission=case)
    url = reverse("admin:appraisals_review_request_photos", args=[seat.pk])
    assert client.post(url, {"more-message": "Closer please"}).status_code == 400
    response = client.post(url, {"more-slots": ["stitching"], "more-message": "Closer please"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NEEDS_RETAKE
