"""A report corrected after an expert linked its item into another passport: the correction is
recorded on that passport, where the item's history now lives, not on the page that leads
there."""

from __future__ import annotations

from typing import Any

import pytest

from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events, expert, report_signed_with_serial
from members.models import User
from passports.models import PassportEvent
from passports.services import item_link

pytestmark = pytest.mark.django_db


def test_the_correction_follows_the_link(buyer: User, catalog: dict[str, Any]) -> None:
    first = report_signed_with_serial(buyer, catalog["handbag"], serial="")
    again = report_signed_with_serial(buyer, catalog["handbag"], serial="")
    passport, linked = first.passport_events.get().item, again.passport_events.get().item
    item_link(source=linked, target=passport, expert=expert())

    corrected = report_correct(
        report=again,
        changes={"verdict": {"result": "counterfeit", "reason": "Stitch count per inch."}},
        reason="The expert's clerical error.",
    )
    deliver_events()

    event = PassportEvent.objects.get(report=corrected)
    assert event.item == passport
    assert event.summary == "Report corrected (version 2): Counterfeit"
    assert [e.report for e in linked.events.all()] == [again]
    # The passport's chain goes on from its own last event.
    before = passport.events.exclude(pk=event.pk).order_by("-occurred_at", "-id").first()
    assert event.document.body["previous"] == before.document.root
