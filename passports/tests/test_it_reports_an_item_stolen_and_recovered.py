"""The owner reports an item stolen on its page, and later recovered: the public passport warns
buyers meanwhile, each report is an anchored event, and no one else may report it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from members.models import User
from passports.models import PassportEvent
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


def test_stolen_then_recovered(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])
    owner = signed_in(buyer)
    page = reverse("passports:item", args=[item.uid])
    public = reverse("passports:public", args=[item.public_token])

    owner.post(page, {"action": "stolen"})
    # Reporting it twice (a double click) records it once.
    owner.post(page, {"action": "stolen"})

    item.refresh_from_db()
    assert item.stolen_since is not None
    assert 'id="stolen"' in signed_in(None).get(public).content.decode()
    assert "Reported stolen" in owner.get(reverse("passports:mine")).content.decode()
    assert 'value="recovered"' in owner.get(page).content.decode()

    owner.post(page, {"action": "recovered"})

    item.refresh_from_db()
    assert item.stolen_since is None
    assert 'id="stolen"' not in signed_in(None).get(public).content.decode()
    events = list(item.events.order_by("id"))
    assert [e.kind for e in events] == [PassportEvent.Kind.STOLEN, PassportEvent.Kind.RECOVERED]
    assert [e.summary for e in events] == [
        "Reported stolen by its owner",
        "Reported recovered by its owner",
    ]
    # Each names the one before it: the history is a chain.
    assert events[1].document.body["previous"] == events[0].document.root
    assert buyer.email not in str(events[0].document.body)


def test_no_one_else_may_report_it(buyer: User, stranger: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["handbag"])

    response = signed_in(stranger).post(
        reverse("passports:item", args=[item.uid]), {"action": "stolen"}
    )

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.stolen_since is None and not item.events.exists()
