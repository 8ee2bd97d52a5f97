"""The auditor's finding: a stranger typed another owner's serial (read off a public report)
on his own case and got it signed counterfeit. His report must not land on the owner's
passport nor move anyone's dispute rights; staff see the claim; an expert links the two only
once one person owns both."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from appraisals.models import Report
from appraisals.selectors.custody import report_holder
from appraisals.tests.reviewing import expert, report_signed_with_serial
from disputes.services import dispute_open
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import Item, ItemLinkProposal
from passports.services import item_link_confirm, transfer_accept, transfer_propose

pytestmark = pytest.mark.django_db
WHY = "The stitching differs from every other bag of this line that I have owned."


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _may_dispute(user: User, report: Report) -> bool:
    """The dispute form, as the person sees it: 200 for the holder, 404 for anyone else."""
    status = _as(user).get(reverse("disputes:new", args=[report.public_token]))
    assert status.status_code in (200, 404)
    return status.status_code == 200


def test_a_stranger_typing_an_owners_serial_gets_his_own_passport_and_a_flag(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    mine = report_signed_with_serial(buyer, catalog["handbag"], serial="28533620")
    owners_item = Item.objects.get()
    theirs = report_signed_with_serial(
        stranger, catalog["handbag"], serial="2853-3620", verdict="counterfeit"
    )

    # The owner's passport is untouched: one appraisal, authentic, still the owner's.
    owners_item.refresh_from_db()
    assert owners_item.owner == buyer and owners_item.merged_into is None
    assert [e.report for e in owners_item.events.all()] == [mine]
    page = _as(None).get(reverse("passports:public", args=[owners_item.public_token]))
    assert "Authenticated: Authentic" in page.content.decode()
    assert "Counterfeit" not in page.content.decode()
    # The stranger's report opened a passport of its own, his.
    strangers_item = theirs.passport_events.get().item
    assert strangers_item != owners_item and strangers_item.owner == stranger
    assert strangers_item.serial == owners_item.serial == "28533620"

    # Each disputes his own report, and only his own: in the pages and in the service.
    assert (report_holder(mine), report_holder(theirs)) == (buyer, stranger)
    assert _may_dispute(stranger, theirs) and not _may_dispute(buyer, theirs)
    assert _may_dispute(buyer, mine) and not _may_dispute(stranger, mine)
    with pytest.raises(PermissionDenied):
        dispute_open(report=theirs, user=buyer, reason="wrong_verdict", description=WHY)
    with pytest.raises(PermissionDenied):
        dispute_open(report=mine, user=stranger, reason="wrong_verdict", description=WHY)
    assert dispute_open(report=theirs, user=stranger, reason="wrong_verdict", description=WHY)

    # Staff see two owners claiming one serial, counted and filtered in the admin.
    proposal = ItemLinkProposal.objects.get()
    assert (proposal.item, proposal.target, proposal.submission) == (
        strangers_item,
        owners_item,
        theirs.submission,
    )
    assert proposal.state == ItemLinkProposal.State.PROPOSED and proposal.owners_differ
    staff = UserFactory(email="ops@example.com", roles=[Role.STAFF])
    listing = _as(staff).get(
        reverse("admin:passports_itemlinkproposal_changelist"), {"owners": "differ"}
    )
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "1 waiting, 1 of them two owners claiming one serial" in text
    assert theirs.submission.reference in text

    # An expert can't link them while two people own them; nothing is merged.
    reviewer = expert(email="reviewer@example.com")
    url = reverse("admin:passports_itemlinkproposal_change", args=[proposal.pk])
    refused = _as(reviewer).post(url, {"confirm": "1"})
    assert refused.status_code == 400 and "different owners" in refused.content.decode()
    with pytest.raises(ValidationError):
        item_link_confirm(proposal=proposal, expert=reviewer)
    strangers_item.refresh_from_db()
    proposal.refresh_from_db()
    assert strangers_item.merged_into is None and proposal.state == ItemLinkProposal.State.PROPOSED


def test_an_expert_links_them_once_one_person_owns_both(
    buyer: User, stranger: User, catalog: dict[str, Any]
) -> None:
    mine = report_signed_with_serial(buyer, catalog["handbag"], serial="28533620")
    owners_item = Item.objects.get()
    theirs = report_signed_with_serial(
        stranger, catalog["handbag"], serial="28533620", verdict="counterfeit"
    )
    strangers_item = theirs.passport_events.get().item
    proposal = ItemLinkProposal.objects.get()
    # The owner sells the bag to the stranger: his passport, and with it his report's
    # guarantee, pass on.
    transfer = transfer_propose(item=owners_item, owner=buyer, to_email=stranger.email)
    transfer_accept(token=transfer.token, user=stranger)
    assert report_holder(mine) == stranger
    assert not _may_dispute(buyer, mine) and not _may_dispute(buyer, theirs)

    # The comparison page shows both sets of photos, side by side, to an expert only.
    reviewer = expert(email="reviewer@example.com")
    url = reverse("admin:passports_itemlinkproposal_change", args=[proposal.pk])
    page = _as(reviewer).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for report in (mine, theirs):
        for photo in report.submission.photos.all():
            assert reverse("admin:appraisals_submissionphoto_image", args=[photo.pk]) in body
    assert 'id="photo-comparison"' in body
    assert _as(stranger).get(url).status_code == 302  # to the admin's sign-in
    # Staff see the flag but only an expert decides.
    staff = UserFactory(email="ops@example.com", roles=[Role.STAFF])
    assert _as(staff).post(url, {"confirm": "1"}).status_code == 400
    with pytest.raises(PermissionDenied):
        item_link_confirm(proposal=proposal, expert=stranger)

    confirmed = _as(reviewer).post(url, {"confirm": "1"})

    assert confirmed.status_code == 302
    proposal.refresh_from_db()
    strangers_item.refresh_from_db()
    assert proposal.state == ItemLinkProposal.State.CONFIRMED
    assert (proposal.decided_by, proposal.owners_differ) == (reviewer, False)
    assert proposal.decided_at is not None
    assert strangers_item.merged_into == owners_item
    passport = _as(None).get(reverse("passports:public", args=[owners_item.public_token]))
    assert "Authenticated: Counterfeit" in passport.content.decode()
    assert _may_dispute(stranger, mine) and _may_dispute(stranger, theirs)
    assert not _may_dispute(buyer, mine)
    # Selling the linked passport on passes both reports' guarantee to the next owner.
    third = UserFactory(email="third.owner@example.com")
    onward = transfer_propose(item=owners_item, owner=stranger, to_email=third.email)
    transfer_accept(token=onward.token, user=third)
    assert (report_holder(mine), report_holder(theirs)) == (third, third)
