"""A pass renews by an invoice issued a few days before it ends (the beat task, safe to run
twice), stops renewing when cancelled, and simply stops applying once it has run out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from billing.models import Invoice, PassSubscription
from billing.selectors.passes import pass_renews, pass_status
from billing.services.invoices import BillingRefused, invoice_mark_paid
from billing.services.passes import pass_cancel, pass_checkout, passes_renew_due
from billing.tasks import passes_renew
from billing.tests.factories import pass_plan, staff_make
from members.models import User
from membership.models import Plan
from membership.selectors.plans import membership_current

pytestmark = pytest.mark.django_db


def _bought(member: User, code: str = "pass-monthly") -> Invoice:
    return invoice_mark_paid(
        invoice=pass_checkout(member=member, plan=pass_plan(code)), staff=staff_make()
    )


@override_settings(PASS_RENEW_DAYS_BEFORE=3)
def test_the_renewal_invoice_is_issued_once_days_before_the_end(buyer: User) -> None:
    paid = _bought(buyer)
    assert paid.membership is not None and paid.membership.ends_at is not None
    ends_at = paid.membership.ends_at

    assert passes_renew_due(now=ends_at - timedelta(days=4)) == (0, 0)
    assert passes_renew_due(now=ends_at - timedelta(days=2)) == (1, 0)
    assert passes_renew_due(now=ends_at - timedelta(days=1)) == (0, 0)

    renewal = Invoice.objects.get(status=Invoice.Status.DUE)
    assert renewal.purpose == "pass" and renewal.total_cents == 1900
    assert renewal.reference == f"pass:{paid.subscription_id}:2"

    renewed = invoice_mark_paid(invoice=renewal, staff=staff_make("other@example.com"))
    assert renewed.membership is not None
    assert renewed.membership.starts_at == ends_at
    assert pass_renews(buyer) is True


def test_the_task_runs_twice_safely(buyer: User) -> None:
    _bought(buyer)
    assert passes_renew() == {"issued": 0, "ended": 0}
    assert passes_renew() == {"issued": 0, "ended": 0}


def test_a_cancelled_pass_holds_to_its_end_and_then_stops(buyer: User) -> None:
    paid = _bought(buyer)
    assert paid.membership is not None and paid.membership.ends_at is not None
    ends_at = paid.membership.ends_at

    subscription = pass_cancel(member=buyer)

    assert subscription.renews is False and subscription.cancelled_at is not None
    assert pass_renews(buyer) is False
    assert membership_current(buyer).plan_of(Plan.Kind.PASS) == pass_plan()
    # No renewal is issued for it, and once it has run out it applies no more.
    assert passes_renew_due(now=ends_at - timedelta(days=1)) == (0, 0)
    after = ends_at + timedelta(seconds=1)
    assert membership_current(buyer, now=after).plan_of(Plan.Kind.PASS) is None
    assert passes_renew_due(now=after) == (0, 1)
    assert PassSubscription.objects.get().ended_at == ends_at
    assert pass_renews(buyer) is None


def test_cancelling_voids_a_renewal_not_yet_paid(buyer: User) -> None:
    _bought(buyer)
    renewal = pass_checkout(member=buyer, plan=pass_plan())

    pass_cancel(member=buyer)

    renewal.refresh_from_db()
    assert renewal.status == Invoice.Status.VOID


def test_cancelling_without_a_pass_is_refused_clearly(buyer: User) -> None:
    with pytest.raises(BillingRefused) as refused:
        pass_cancel(member=buyer)
    assert refused.value.code == "no_pass"
    assert refused.value.message == "You have no pass that renews."


def test_choosing_another_pass_replaces_the_unpaid_invoice(buyer: User) -> None:
    monthly = pass_checkout(member=buyer, plan=pass_plan("pass-monthly"))
    annual = pass_checkout(member=buyer, plan=pass_plan("pass-annual"))

    monthly.refresh_from_db()
    assert monthly.status == Invoice.Status.VOID
    assert annual.total_cents == 19000 and annual.status == Invoice.Status.DUE
    status = pass_status(buyer)
    assert status.due_invoice == annual and status.plan is None


def test_only_a_pass_on_offer_can_be_bought(buyer: User) -> None:
    free = Plan.objects.get(kind=Plan.Kind.FREE)
    with pytest.raises(BillingRefused) as refused:
        pass_checkout(member=buyer, plan=free)
    assert refused.value.code == "not_a_pass"
    assert not Invoice.objects.exists()
