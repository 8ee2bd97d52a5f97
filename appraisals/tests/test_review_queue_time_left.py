"""The queue page says how long each case has left, or how long it is overdue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Submission
from appraisals.tests.reviewing import case_in_queue, expert

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:appraisals_review_changelist")


def _time_left_cell(html: str, submission: Submission) -> str:
    row = html[html.index(submission.reference) :]
    cell = re.search(r'<td class="time-left[^"]*">(.*?)</td>', row, re.S)
    assert cell is not None, row[:800]
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def _queue_html() -> str:
    client = Client()
    client.force_login(expert())
    return client.get(QUEUE).content.decode()


def test_it_shows_the_time_left_on_a_standard_case_due_tomorrow(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"], tier="standard")
    case.due_at = timezone.now() + timedelta(days=1, minutes=5)
    case.save(update_fields=["due_at"])

    cell = _time_left_cell(_queue_html(), case)

    assert cell.startswith("1\xa0day"), cell
    assert "0\xa0minutes" not in cell and "overdue" not in cell


def test_it_shows_how_long_an_overdue_case_is_overdue(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"], tier="standard")
    case.due_at = timezone.now() - timedelta(hours=3, minutes=10)
    case.save(update_fields=["due_at"])

    html = _queue_html()
    cell = _time_left_cell(html, case)

    assert cell.startswith("overdue by 3\xa0hours"), cell
    assert 'class="time-left time-left--overdue"' in html
