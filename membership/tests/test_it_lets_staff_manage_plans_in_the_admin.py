"""Staff edit the plans and their benefits in the admin, read a member's memberships over time,
grant a plan (source "staff") within the no-overlap rule, and read the spend that counts
towards a tier, which nobody edits by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from members.models import User
from membership.models import Membership, Plan, Spend
from membership.services.plans import spend_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(email="root@example.com", password="x-42"))
    return client


def _grant(client: Client, member: User, code: str, starts: str, ends: str = "") -> HttpResponse:
    plan = Plan.objects.get(code=code)
    start_day, start_time = starts.split()
    end_day, end_time = ends.split() if ends else ("", "")
    response = client.post(
        reverse("admin:membership_membership_add"),
        {
            "member": member.pk,
            "plan": plan.pk,
            "starts_at_0": start_day,
            "starts_at_1": start_time,
            "ends_at_0": end_day,
            "ends_at_1": end_time,
        },
    )
    return response


def test_the_plans_list_shows_each_plans_benefits_and_price(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:membership_plan_changelist"))

    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Black card", "Diamond", "pass-annual", "€19.00", "€190.00", "€1,000.00"):
        assert shown in text, shown


def test_staff_change_a_tiers_benefits(admin_client: Client) -> None:
    black = Plan.objects.get(code="black")
    url = reverse("admin:membership_plan_change", args=[black.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "code": "black",
            "name": "Black card",
            "active": "on",
            "position": 30,
            "price_cents": 0,
            "billing_interval": "none",
            "spend_threshold_cents": 80_000,
            "free_appraisals": 3,
            "free_appraisals_period": "month",
            "review_priority": 20,
            "sla_hours": 12,
            "dispute_fee_waived": "on",
            "guarantee_multiplier": "2.50",
            "report_template": "standard",
        },
    )

    assert response.status_code == 302
    black.refresh_from_db()
    assert (black.sla_hours, black.spend_threshold_cents, black.free_appraisals) == (12, 80_000, 3)
    assert str(black.guarantee_multiplier) == "2.50"


def test_staff_grant_a_plan_and_see_the_members_history(admin_client: Client, buyer: User) -> None:
    assert admin_client.get(reverse("admin:membership_membership_add")).status_code == 200

    assert (
        _grant(
            admin_client, buyer, "black", "2026-01-01 00:00:00", "2026-07-01 00:00:00"
        ).status_code
        == 302
    )
    assert _grant(admin_client, buyer, "diamond", "2026-07-01 00:00:00").status_code == 302

    rows = Membership.objects.filter(member=buyer).order_by("starts_at")
    assert [(m.plan.code, m.source) for m in rows] == [("black", "staff"), ("diamond", "staff")]
    history = admin_client.get(reverse("admin:membership_membership_changelist"), {"q": "buyer@"})
    assert history.status_code == 200
    assert "Black card" in history.content.decode() and "Diamond" in history.content.decode()
    change = reverse("admin:membership_membership_change", args=[rows[0].pk])
    assert admin_client.get(change).status_code == 200


def test_an_overlapping_grant_is_a_form_error_not_a_crash(
    admin_client: Client, buyer: User
) -> None:
    assert _grant(admin_client, buyer, "black", "2026-01-01 00:00:00").status_code == 302

    refused = _grant(admin_client, buyer, "diamond", "2026-03-01 00:00:00")

    assert refused.status_code == 200
    assert "already holds a Tier plan in that time" in refused.content.decode()

    assert Membership.objects.filter(member=buyer).count() == 1


def test_staff_end_a_membership_but_not_into_the_next(admin_client: Client, buyer: User) -> None:
    _grant(admin_client, buyer, "black", "2026-01-01 00:00:00", "2026-03-01 00:00:00")
    _grant(admin_client, buyer, "diamond", "2026-03-01 00:00:00")
    black = Membership.objects.get(member=buyer, plan__code="black")
    url = reverse("admin:membership_membership_change", args=[black.pk])

    late = {"ends_at_0": "2026-04-01", "ends_at_1": "00:00:00"}
    refused = admin_client.post(url, late)  # would overlap Diamond
    assert refused.status_code == 200 and "already holds" in refused.content.decode()
    early = {"ends_at_0": "2026-02-01", "ends_at_1": "00:00:00"}
    assert admin_client.post(url, early).status_code == 302

    black.refresh_from_db()
    assert black.ends_at == datetime(2026, 2, 1, tzinfo=UTC)


def test_the_spend_is_there_to_read_only(admin_client: Client, buyer: User) -> None:
    spend = spend_record(member=buyer, cents=2_900, reference="pay-7")

    listing = admin_client.get(reverse("admin:membership_spend_changelist"))
    assert listing.status_code == 200 and "pay-7" in listing.content.decode()
    assert admin_client.get(reverse("admin:membership_spend_add")).status_code == 403
    change = reverse("admin:membership_spend_change", args=[spend.pk])
    admin_client.post(change, {"cents": 1})
    assert Spend.objects.get().cents == 2_900


def test_a_tier_without_a_threshold_is_a_form_error_not_a_crash(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:membership_plan_add"),
        {
            "code": "gold",
            "name": "Gold",
            "kind": "tier",
            "position": 35,
            "price_cents": 0,
            "billing_interval": "none",
            "free_appraisals": 0,
            "free_appraisals_period": "month",
            "review_priority": 25,
            "guarantee_multiplier": "1.50",
            "report_template": "standard",
        },
    )

    assert response.status_code == 200
    assert "A tier needs a spend threshold, and only a tier has one." in response.content.decode()
    assert not Plan.objects.filter(code="gold").exists()
