"""An item whose serial matched two passports gets two link proposals; once an expert confirms
one, the other is closed with the reason, so no one is asked to decide it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisals.tests.reviewing import expert, report_signed_with_serial
from members.models import User
from passports.models import ItemLinkProposal
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def test_confirming_one_proposal_closes_the_others(buyer: User, catalog: dict[str, Any]) -> None:
    first = report_signed_with_serial(buyer, catalog["watch"], serial="A1B2C3D4")
    second = report_signed_with_serial(buyer, catalog["watch"], serial="A1B2C3D4")
    third = report_signed_with_serial(buyer, catalog["watch"], serial="A1B2C3D4")
    passport = first.passport_events.get().item
    newest = third.passport_events.get().item
    chosen = ItemLinkProposal.objects.get(item=newest, target=passport)
    other = ItemLinkProposal.objects.get(item=newest, target=second.passport_events.get().item)
    reviewer = expert(email="reviewer@example.com")

    confirmed = signed_in(reviewer).post(
        reverse("admin:passports_itemlinkproposal_change", args=[chosen.pk]), {"confirm": "1"}
    )

    assert confirmed.status_code == 302
    chosen.refresh_from_db()
    other.refresh_from_db()
    newest.refresh_from_db()
    assert newest.merged_into == passport
    assert chosen.state == ItemLinkProposal.State.CONFIRMED
    assert other.state == ItemLinkProposal.State.REJECTED
    assert (other.note, other.decided_by) == ("Linked to another passport instead.", reviewer)
    # The second item's own proposal (to the first passport) is still for an expert to decide.
    assert ItemLinkProposal.objects.filter(state=ItemLinkProposal.State.PROPOSED).count() == 1
