"""A new app reacts to "report issued" without a line changed in appraisals/: it subscribes
from its own module, and the real path (a buyer's case, an expert's signature, the commit)
delivers the event to it once, after the report is saved, with the ids it needs."""

from __future__ import annotations

from typing import Any

import pytest

from appraisals.events import ReportIssued
from appraisals.models import Report
from appraisals.services.reviews import review_sign, review_take_next
from appraisals.tests.reviewing import case_in_queue, complete_opinion, expert
from events.models import Delivery
from events.registry import subscriber, unsubscribe

NAME = "tests.throwaway.report_issued"


@pytest.mark.django_db
def test_a_throwaway_subscriber_hears_of_each_report_after_it_commits(
    buyer: Any, catalog: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[tuple[ReportIssued, bool]] = []

    def throwaway(event: ReportIssued) -> None:
        # Delivered after the commit: the report is there to be read.
        heard.append((event, Report.objects.filter(pk=event.report_id).exists()))

    subscriber(ReportIssued, name=NAME)(throwaway)
    try:
        case = case_in_queue(buyer, catalog["handbag"])
        who = expert()
        seat = review_take_next(expert=who)
        assert seat is not None and seat.submission_id == case.pk
        complete_opinion(seat, who)
        # The signature's commit: its on-commit callbacks run when this block ends, the
        # event's delivery among them (events.services.event_dispatch_now).
        with django_capture_on_commit_callbacks(execute=True):
            review_sign(review=seat, expert=who, verdict="authentic", reason="")
            assert heard == []  # nothing before the commit
    finally:
        unsubscribe(NAME)

    report = Report.objects.get(submission=case)
    assert heard == [
        (ReportIssued(submission_id=case.pk, report_id=report.pk, supersedes_id=None), True)
    ]
    (delivery,) = Delivery.objects.filter(subscriber=NAME)
    assert (delivery.state, delivery.attempts) == ("delivered", 1)
    # The other subscribers (passports, webhooks, the API's cache) got it too.
    assert set(
        Delivery.objects.filter(event=delivery.event).values_list("subscriber", flat=True)
    ) >= {NAME, "passports.record_report", "webhooks.report_issued"}
