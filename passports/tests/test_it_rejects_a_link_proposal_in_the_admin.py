"""An expert who finds that two items sharing a serial are different items rejects the proposed
link on its admin page, saying why: each keeps its passport, and the proposal is closed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisals.tests.reviewing import expert, report_signed_with_serial
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import Item, ItemLinkProposal
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db

WHY = "Different hardware: the zip pulls are of another decade."


@pytest.fixture
def proposal(buyer: User, catalog: dict[str, Any]) -> ItemLinkProposal:
    """The buyer had two bags with the same serial appraised: a link is proposed."""
    report_signed_with_serial(buyer, catalog["handbag"], serial="28451234")
    report_signed_with_serial(buyer, catalog["handbag"], serial="28451234")
    return ItemLinkProposal.objects.get()


def _page(proposal: ItemLinkProposal) -> str:
    return reverse("admin:passports_itemlinkproposal_change", args=[proposal.pk])


def test_an_expert_rejects_with_a_reason(proposal: ItemLinkProposal) -> None:
    reviewer = signed_in(expert(email="reviewer@example.com"))
    listing = reviewer.get(
        reverse("admin:passports_itemlinkproposal_changelist"), {"owners": "same"}
    )
    assert "1 waiting, 0 of them two owners claiming one serial" in listing.content.decode()
    assert proposal.submission.reference in listing.content.decode()
    assert 'id="reject-form"' in reviewer.get(_page(proposal)).content.decode()

    rejected = reviewer.post(_page(proposal), {"reject": "1", "note": f"  {WHY}  "})

    assert rejected.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ItemLinkProposal.State.REJECTED
    assert (proposal.note, proposal.decided_by.email) == (WHY, "reviewer@example.com")
    assert not Item.objects.exclude(merged_into=None).exists()
    page = reviewer.get(_page(proposal)).content.decode()
    assert "Rejected: a different item" in page and WHY in page
    assert 'id="reject-form"' not in page and 'id="confirm-form"' not in page
    # Decided once: neither a second rejection nor a confirmation changes it.
    again = reviewer.post(_page(proposal), {"confirm": "1"})
    assert again.status_code == 400 and "already rejected" in again.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ItemLinkProposal.State.REJECTED


def test_a_rejection_needs_its_reason(proposal: ItemLinkProposal) -> None:
    reviewer = signed_in(expert())

    for note in ("", "no"):
        response = reviewer.post(_page(proposal), {"reject": "1", "note": note})
        assert response.status_code == 400

    proposal.refresh_from_db()
    assert proposal.state == ItemLinkProposal.State.PROPOSED and proposal.note == ""


def test_someone_without_the_review_role_cannot_open_it(
    proposal: ItemLinkProposal, stranger: User
) -> None:
    # An arbitrator works in the admin, but link proposals are the reviewing experts' work.
    arbitrator = UserFactory(roles=[Role.ARBITRATOR])

    assert signed_in(arbitrator).get(_page(proposal)).status_code == 403
    assert signed_in(stranger).get(_page(proposal)).status_code == 302  # to the admin's sign-in
