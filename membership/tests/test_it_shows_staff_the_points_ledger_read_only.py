"""Staff read members' points accounts and entries in the admin, with the lots each entry
moved points of, and can neither add, change nor delete any of it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from members.tests.factories import UserFactory
from membership.models import EarnReason, PointsAccount, PointsEntry
from membership.services.points import points_earn, points_spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_staff_read_accounts_and_entries_and_change_nothing(
    admin_client_: Client, buyer: User
) -> None:
    points_earn(member=buyer, points=40, reason=EarnReason.CSAT_ANSWERED, reference="csat-1")
    spend = points_spend(member=buyer, points=15, reference="fee-77")
    account = PointsAccount.objects.get(member=buyer)

    accounts = admin_client_.get(reverse("admin:membership_pointsaccount_changelist"))
    assert accounts.status_code == 200 and "buyer@example.com" in accounts.text
    entries = admin_client_.get(reverse("admin:membership_pointsentry_changelist"))
    assert entries.status_code == 200 and "fee-77" in entries.text
    entry_page = admin_client_.get(reverse("admin:membership_pointsentry_change", args=[spend.pk]))
    assert entry_page.status_code == 200 and "csat-1" in entry_page.text

    for name in ["pointsaccount", "pointsentry"]:
        assert admin_client_.get(reverse(f"admin:membership_{name}_add")).status_code == 403
    change = reverse("admin:membership_pointsentry_change", args=[spend.pk])
    assert admin_client_.post(change, {"points": "-1"}).status_code == 403
    delete = reverse("admin:membership_pointsaccount_delete", args=[account.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert PointsEntry.objects.get(pk=spend.pk).points == -15
    assert PointsAccount.objects.get(pk=account.pk).balance == 25
