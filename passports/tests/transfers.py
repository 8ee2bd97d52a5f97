"""An item changing hands as its two owners do it: the owner proposes the transfer on the
item's page, the new owner accepts it from the link they were sent."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from appraisals.models import Report
from members.models import User
from passports.models import Transfer


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def item_transfer_through_pages(report: Report, *, owner: User, to: User) -> None:
    """Pass the item whose passport carries ``report`` from ``owner`` to ``to``."""
    item = report.passport_events.get().item
    proposed = signed_in(owner).post(
        reverse("passports:item", args=[item.uid]), {"action": "transfer", "to_email": to.email}
    )
    assert proposed.status_code == 302, proposed.content.decode()
    transfer = Transfer.objects.get(item=item, state=Transfer.State.PROPOSED)
    accepted = signed_in(to).post(
        reverse("passports:transfer", args=[transfer.token]), {"action": "accept"}
    )
    assert accepted.status_code == 302, accepted.content.decode()
