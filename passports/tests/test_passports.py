"""Item passports through the paths people use: a report issued, the public page, an
ownership transfer (needs the new owner's acceptance), stolen reports, service records
(staff and partners only), and every event anchored as a chained provenance document."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from appraisals.models import Report
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events, expert, report_signed_with_serial
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import Item, ItemLinkProposal, PassportEvent, Transfer
from passports.services import item_link_confirm, transfer_accept, transfer_propose
from provenance.bundles import bundle_check
from provenance.models import Document
from provenance.selectors import bundle_for

pytestmark = pytest.mark.django_db


def _report(buyer: User, catalog: dict[str, Any], serial: str = "28451234") -> Report:
    """A case signed by one expert: the report is issued and the passport hook runs."""
    return report_signed_with_serial(buyer, catalog["handbag"], serial=serial)


def test_a_report_opens_the_items_passport_with_an_anchored_event(buyer, catalog) -> None:  # noqa: ANN001
    report = _report(buyer, catalog)

    item = Item.objects.get()
    event = item.events.get()
    assert (item.owner, item.serial) == (buyer, "28451234")
    assert event.kind == PassportEvent.Kind.APPRAISAL and event.report == report
    body = event.document.body
    assert body["type"] == "authplatform.passport-event"
    assert body["report"] == str(report.uid) and body["previous"] is None
    assert buyer.email not in str(body) and buyer.full_name not in str(body)
    assert bundle_check(bundle_for(event.document)).ok


def test_the_same_serial_typed_differently_proposes_a_link_to_the_same_item(buyer, catalog) -> None:  # noqa: ANN001, E501
    first_report = _report(buyer, catalog, serial="2845 1234")
    second_report = _report(buyer, catalog, serial="2845-1234")

    first, second = Item.objects.order_by("id")
    assert first.serial == second.serial == "28451234"
    proposal = ItemLinkProposal.objects.get()
    assert (proposal.item, proposal.target, proposal.owners_differ) == (second, first, False)
    assert second.events.get().report == second_report and first.events.get().report == first_report

    item_link_confirm(proposal=proposal, expert=expert())

    second.refresh_from_db()
    assert second.merged_into == first
    link = first.events.order_by("id").last()
    assert link.document.body["previous"] == first.events.order_by("id").first().document.root
    assert link.document.body["reports"] == [str(second_report.uid)]


def test_a_correction_is_a_new_event_on_the_same_passport(buyer, catalog) -> None:  # noqa: ANN001
    report = _report(buyer, catalog)

    corrected = report_correct(
        report=report, changes={"verdict": {"result": "counterfeit", "reason": "x"}}, reason="y"
    )
    deliver_events()

    item = Item.objects.get()
    assert [e.report for e in item.events.order_by("id")] == [report, corrected]
    assert "corrected" in item.events.order_by("id").last().summary


def test_the_public_page_shows_the_history_without_personal_data(buyer, catalog) -> None:  # noqa: ANN001
    _report(buyer, catalog)
    item = Item.objects.get()

    page = Client().get(reverse("passports:public", args=[item.public_token])).content.decode()

    assert "Authenticated: Authentic" in page
    assert item.serial_masked in page and "28451234" not in page
    assert buyer.email not in page and buyer.full_name not in page
    assert "Pending anchor." in page
    assert f"/verify/{item.events.get().document.uid}/" in page
    assert "<svg" in page  # the QR code
    assert Client().get("/p/not-a-token/").status_code == 404


def test_a_transfer_needs_the_new_owners_acceptance(buyer, catalog, stranger) -> None:  # noqa: ANN001
    _report(buyer, catalog)
    item = Item.objects.get()
    newcomer = UserFactory(email="new.owner@example.com")
    owner_client = Client()
    owner_client.force_login(buyer)

    response = owner_client.post(
        reverse("passports:item", args=[item.uid]),
        {"action": "transfer", "to_email": "New.Owner@example.com"},
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get()
    item.refresh_from_db()
    assert item.owner == buyer  # nothing changes until the new owner accepts
    assert any("transferred to you" in n.subject for n in newcomer.notifications.all())
    # Someone else holding the link can't take it, nor see whom it is for.
    other = Client()
    other.force_login(stranger)
    refused = other.post(reverse("passports:transfer", args=[transfer.token]), {"action": "accept"})
    assert refused.status_code == 404
    assert "new.owner@example.com" not in refused.content.decode()
    item.refresh_from_db()
    assert item.owner == buyer

    accepting = Client()
    accepting.force_login(newcomer)
    accepted = accepting.post(
        reverse("passports:transfer", args=[transfer.token]), {"action": "accept"}
    )

    assert accepted.status_code == 302
    item.refresh_from_db()
    assert (item.owner, item.owner_number) == (newcomer, 2)
    event = item.events.order_by("id").last()
    assert event.kind == PassportEvent.Kind.TRANSFER
    assert event.summary == "Ownership passed from owner 1 to owner 2"
    again = accepting.post(
        reverse("passports:transfer", args=[transfer.token]), {"action": "accept"}
    )
    assert again.status_code == 400 and "already accepted" in again.content.decode()
    # The old owner no longer manages the item.
    assert owner_client.get(reverse("passports:item", args=[item.uid])).status_code == 404


def test_an_unregistered_recipient_gets_an_email_with_the_link(
    buyer,
    catalog,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    _report(buyer, catalog)
    item = Item.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        transfer = transfer_propose(item=item, owner=buyer, to_email="friend@example.com")

    (message,) = [m for m in mail.outbox if m.to == ["friend@example.com"]]
    assert f"/passports/transfer/{transfer.token}/" in message.body


def test_one_open_transfer_at_a_time_and_none_when_stolen(buyer, catalog) -> None:  # noqa: ANN001
    _report(buyer, catalog)
    item = Item.objects.get()
    client = Client()
    client.force_login(buyer)
    url = reverse("passports:item", args=[item.uid])
    client.post(url, {"action": "transfer", "to_email": "a@example.com"})

    second = client.post(url, {"action": "transfer", "to_email": "b@example.com"})
    assert second.status_code == 400
    assert "already waiting" in second.content.decode()

    client.post(url, {"action": "stolen"})
    item.refresh_from_db()
    assert item.stolen_since is not None
    assert Transfer.objects.get().state == Transfer.State.CANCELLED
    blocked = client.post(url, {"action": "transfer", "to_email": "b@example.com"})
    assert blocked.status_code == 400 and "stolen" in blocked.content.decode()
    public = Client().get(reverse("passports:public", args=[item.public_token]))
    assert 'id="stolen"' in public.content.decode()
    kinds = list(item.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [PassportEvent.Kind.APPRAISAL, PassportEvent.Kind.STOLEN]


def test_a_stranger_cannot_add_events_but_staff_can(buyer, catalog, stranger) -> None:  # noqa: ANN001
    _report(buyer, catalog)
    item = Item.objects.get()
    url = reverse("passports:service", args=[item.public_token])
    data = {"kind": "repair", "summary": "Handle re-stitched by the maker", "occurred_on": ""}

    for who in (stranger, buyer):
        client = Client()
        client.force_login(who)
        assert client.post(url, data).status_code == 403
    owner = Client()
    owner.force_login(buyer)
    assert (
        owner.post(reverse("passports:item", args=[item.uid]), {"action": "nonsense"}).status_code
        == 400
    )
    assert item.events.count() == 1

    staff = UserFactory(email="ops@example.com", roles=[Role.STAFF])
    client = Client()
    client.force_login(staff)
    assert client.post(url, {**data, "summary": "x"}).status_code == 400
    assert client.post(url, data).status_code == 302

    event = item.events.order_by("id").last()
    assert (event.kind, event.summary, event.actor) == ("repair", data["summary"], staff)
    assert staff.email not in str(event.document.body)
    assert Document.objects.filter(doc_type="authplatform.passport-event").count() == 2


def test_a_transfer_link_for_someone_else_is_refused_in_the_service_too(
    buyer,
    catalog,
    stranger,  # noqa: ANN001
) -> None:
    _report(buyer, catalog)
    item = Item.objects.get()
    transfer = transfer_propose(item=item, owner=buyer, to_email="x@example.com")

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        transfer_accept(token=transfer.token, user=stranger)
    with pytest.raises(PermissionDenied):
        transfer_propose(item=item, owner=stranger, to_email="y@example.com")
