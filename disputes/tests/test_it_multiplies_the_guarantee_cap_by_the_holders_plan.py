"""The guarantee's cap for a mis-authenticated item is the service tier's cap
(``GUARANTEE_CAP_EUR``) times the holder's plan multiplier (×2 Black card, ×3 Diamond)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from appraisals.tests.prioritising import member_with
from disputes.models import Compensation
from disputes.services import guarantee_cap_eur
from disputes.tests.settling import opened, overturned, report_of
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_cap_is_the_tiers_times_the_plan_multiplier(buyer: User, settings: Any) -> None:
    settings.GUARANTEE_CAP_EUR = {"standard": 2500, "priority": 5000, "express": 10000}
    black = member_with("black", "black@example.com")
    diamond = member_with("diamond", "diamond@example.com")

    assert guarantee_cap_eur(tier="standard", holder=buyer) == (Decimal(2500), Decimal(1))
    assert guarantee_cap_eur(tier="priority", holder=black) == (Decimal(10000), Decimal(2))
    assert guarantee_cap_eur(tier="standard", holder=diamond) == (Decimal(7500), Decimal(3))


def test_a_diamond_holder_is_compensated_up_to_three_times_the_cap(
    catalog: dict[str, Any],
) -> None:
    diamond = member_with("diamond", "diamond@example.com")
    report = report_of(diamond, catalog["handbag"], declared_value_eur=20_000)

    overturned(opened(report, diamond))

    compensation = Compensation.objects.get()
    assert compensation.beneficiary == diamond
    assert compensation.amount_eur == Decimal(7500)  # 20,000 declared; 2,500 × 3
    assert "standard cap 7500.00 EUR (plan multiplier 3.00)" in compensation.basis


def test_a_free_holder_gets_the_tiers_cap_and_a_value_under_it_in_full(
    buyer: User, catalog: dict[str, Any]
) -> None:
    report = report_of(buyer, catalog["handbag"], declared_value_eur=20_000)
    overturned(opened(report, buyer))
    assert Compensation.objects.get().amount_eur == Decimal(2500)

    black = member_with("black", "black@example.com")
    report = report_of(black, catalog["handbag"], declared_value_eur=4_000)
    dispute = overturned(opened(report, black))
    # Under Black's 5,000 (2,500 × 2): the declared value in full.
    assert Compensation.objects.get(dispute=dispute).amount_eur == Decimal(4000)


def test_a_tier_reached_while_the_dispute_runs_does_not_raise_the_cap(
    buyer: User, catalog: dict[str, Any]
) -> None:
    from membership.models import Membership, Plan
    from membership.services.plans import membership_grant

    report = report_of(buyer, catalog["handbag"], declared_value_eur=20_000)
    dispute = opened(report, buyer)
    # Diamond from after the dispute was opened: the terms it was brought under were Free's.
    membership_grant(
        member=buyer,
        plan=Plan.objects.get(code="diamond"),
        starts_at=dispute.opened_at + timedelta(seconds=1),
        source=Membership.Source.STAFF,
    )
    overturned(dispute)

    assert Compensation.objects.get().amount_eur == Decimal(2500)
