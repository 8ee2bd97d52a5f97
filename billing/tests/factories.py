"""Helpers the billing tests share: staff who may settle invoices, points to spend, a pass,
an invoice, and the race harness for concurrency tests (each thread its own connection)."""

from __future__ import annotations

from django.db import connection

from billing.models import Invoice
from billing.services.invoices import LineInput, invoice_issue
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from membership.models import EarnReason, Plan
from membership.services.points import points_earn


def staff_make(email: str = "cashier@example.com") -> User:
    user: User = UserFactory(email=email, roles=[Role.STAFF])  # type: ignore[assignment]
    return user


def points_give(member: User, points: int, reference: str = "earned-1") -> None:
    points_earn(
        member=member,
        points=points,
        reason=EarnReason.APPRAISAL_COMPLETED,
        reference=reference,
    )


def pass_plan(code: str = "pass-monthly") -> Plan:
    """A seeded pass; made again as seeded where a transactional test flushed the seed."""
    yearly = code == "pass-annual"
    plan, _ = Plan.objects.get_or_create(
        code=code,
        defaults={
            "name": "Pass (annual)" if yearly else "Pass (monthly)",
            "kind": Plan.Kind.PASS,
            "unlimited_basic_appraisals": True,
            "review_priority": 10,
            "price_cents": 19000 if yearly else 1900,
            "billing_interval": Plan.Interval.YEAR if yearly else Plan.Interval.MONTH,
        },
    )
    return plan


def appraisal_invoice(
    member: User, reference: str = "submission:abc", cents: int = 2900, points: int = 0
) -> Invoice:
    return invoice_issue(
        member=member,
        purpose=Invoice.Purpose.APPRAISAL,
        reference=reference,
        lines=[LineInput(description="Appraisal, Standard", cents=cents)],
        points=points,
    )


def constraints_now() -> None:
    """Fire the deferred checks now: a test's own transaction never commits."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
