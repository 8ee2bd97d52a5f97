"""Staff and partners add a service or repair to an item's passport from its public page,
with the day the work was done; a day in the future is refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from passports.models import PassportEvent
from passports.tests.items import item_of
from passports.tests.transfers import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.STAFF, Role.PARTNER])
def test_a_service_on_a_given_day(role: Role, buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["watch"])
    recorder = signed_in(UserFactory(email="workshop@example.com", roles=[role]))
    public = reverse("passports:public", args=[item.public_token])
    form = reverse("passports:service", args=[item.public_token])
    assert form in recorder.get(public).content.decode()
    assert form not in signed_in(None).get(public).content.decode()
    assert recorder.get(form).status_code == 200

    done = recorder.post(
        form,
        {
            "kind": "service",
            "summary": "Movement serviced, gaskets replaced",
            "occurred_on": "2024-03-09",
        },
    )

    assert done.status_code == 302 and done["Location"] == public
    event = item.events.get()
    assert event.kind == PassportEvent.Kind.SERVICE
    noon = timezone.make_aware(datetime.combine(date(2024, 3, 9), time(12, 0)))
    assert event.occurred_at == noon
    assert event.document.body["occurred_at"] == "2024-03-09T12:00:00Z"
    page = signed_in(None).get(public).content.decode()
    assert "Serviced" in page and "Movement serviced, gaskets replaced" in page
    assert "workshop@example.com" not in page


def test_work_in_the_future_is_refused(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["watch"])
    staff = signed_in(UserFactory(roles=[Role.STAFF]))
    tomorrow = timezone.localdate() + timedelta(days=2)

    response = staff.post(
        reverse("passports:service", args=[item.public_token]),
        {"kind": "repair", "summary": "Crystal replaced", "occurred_on": tomorrow.isoformat()},
    )

    assert response.status_code == 400
    assert "The work can&#x27;t be in the future." in response.content.decode()
    assert not item.events.exists()


def test_only_service_or_repair_may_be_recorded(buyer: User, catalog: dict[str, Any]) -> None:
    item = item_of(buyer, catalog["watch"])
    staff = signed_in(UserFactory(roles=[Role.STAFF]))

    response = staff.post(
        reverse("passports:service", args=[item.public_token]),
        {"kind": "stolen", "summary": "Reported stolen by staff"},
    )

    assert response.status_code == 400
    assert not item.events.exists()
