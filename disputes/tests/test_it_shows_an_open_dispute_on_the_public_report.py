"""A report's public page says when it is under dispute (anyone who checks it should know),
without the holder's complaint or who they are; its holder finds "Dispute this report" on the
report itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Report
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from disputes.services import dispute_open
from members.models import User

pytestmark = pytest.mark.django_db
WHY = "PRIVATE-COMPLAINT-4410: the date code font does not match my other bag."


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    case_in_queue(buyer, catalog["handbag"])
    who = expert(email="original@example.com")
    sign(review_services.review_take_next(expert=who), who, "authentic")
    return Report.objects.get()


def _page(report: Report, user: User | None = None) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("public:report", args=[report.public_token]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_stranger_that_the_report_is_under_dispute(
    report: Report, buyer: User, stranger: User
) -> None:
    assert 'id="dispute-open"' not in _page(report)
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    for page in (_page(report), _page(report, stranger)):
        sign = page.split('id="dispute-open"')[1].split("</p>")[0]
        assert "Under dispute" in sign and dispute.reference in sign
        # At the top, before the verdict, where a buyer checking the report reads first.
        assert page.index('id="dispute-open"') < page.index('id="verdict"')
        assert "Waiting for triage" in sign
        assert WHY not in page and "The verdict is wrong" not in page
        assert buyer.email not in page and (not buyer.full_name or buyer.full_name not in page)
        assert reverse("disputes:detail", args=[dispute.uid]) not in page
        assert reverse("disputes:new", args=[report.public_token]) not in page


def test_it_says_nothing_once_the_dispute_is_resolved_but_its_outcome(
    report: Report, buyer: User
) -> None:
    from disputes.tests.disputing import dispute_reject

    dispute_reject(dispute_open(report=report, user=buyer, reason="other", description=WHY))

    page = _page(report)

    assert 'id="dispute-open"' not in page and 'class="dispute-outcome"' in page


def test_the_pdf_says_so_too(report: Report, buyer: User) -> None:
    from appraisals.report_pages import report_context

    dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    context = report_context(report, for_pdf=True)
    banners = "".join(context["banners"])

    assert 'id="dispute-open"' in banners and WHY not in banners + "".join(context["notes"])


def test_the_holder_finds_dispute_this_report_on_the_report(report: Report, buyer: User) -> None:
    page = _page(report, buyer)

    entry = page.split('id="dispute-entry"')[1].split("</p>")[0]
    assert "Dispute this report" in entry
    assert reverse("disputes:new", args=[report.public_token]) in entry


def test_the_holder_follows_their_open_dispute_from_the_report(report: Report, buyer: User) -> None:
    dispute = dispute_open(report=report, user=buyer, reason="wrong_verdict", description=WHY)

    page = _page(report, buyer)

    entry = page.split('id="dispute-entry"')[1].split("</p>")[0]
    assert reverse("disputes:detail", args=[dispute.uid]) in entry and "Your dispute" in entry


def test_a_signed_in_stranger_gets_no_dispute_entry(report: Report, stranger: User) -> None:
    page = _page(report, stranger)

    assert 'id="dispute-entry"' not in page and 'id="holder-actions"' not in page
