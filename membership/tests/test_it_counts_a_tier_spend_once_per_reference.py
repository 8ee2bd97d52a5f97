"""Billing records each paid fee towards a tier through ``spend_record``: once per reference,
in euros, a positive whole number of cents; anything else is a clear refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import User
from membership.models import Membership, Spend
from membership.services.plans import spend_record

pytestmark = pytest.mark.django_db


def test_recording_the_same_reference_twice_counts_it_once(buyer: User) -> None:
    first = spend_record(member=buyer, cents=100_000, reference="pay-42")

    second = spend_record(member=buyer, cents=100_000, reference="pay-42")

    assert second.pk == first.pk
    assert list(Spend.objects.values_list("reference", "cents")) == [("pay-42", 100_000)]
    assert Membership.objects.filter(member=buyer).count() == 1  # one Black, not two


def test_a_reference_reused_for_another_spend_is_refused(buyer: User, stranger: User) -> None:
    spend_record(member=buyer, cents=2_900, reference="pay-42")

    for other in ({"member": stranger, "cents": 2_900}, {"member": buyer, "cents": 5_900}):
        with pytest.raises(ValidationError) as refused:
            spend_record(reference="pay-42", **other)
        assert refused.value.code == "reference_reused"
    assert Spend.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"cents": -100}, "amount"),
        ({"cents": 0}, "amount"),
        ({"cents": 29.0}, "amount"),
        ({"cents": True}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"reference": "  "}, "reference"),
        ({"reference": "x" * 101}, "reference"),
        ({"occurred_at": timezone.now() + timedelta(hours=1)}, "occurred_at"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    buyer: User, changes: dict[str, Any], code: str
) -> None:
    arguments: dict[str, Any] = {"member": buyer, "cents": 2_900, "reference": "pay-1"}

    with pytest.raises(ValidationError) as refused:
        spend_record(**{**arguments, **changes})

    assert refused.value.code == code
    assert not Spend.objects.exists()


@pytest.mark.parametrize("row", [{"cents": 0}, {"cents": -5}, {"currency": "USD"}])
def test_the_database_refuses_a_spend_that_is_not_a_positive_euro_amount(
    buyer: User, row: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Spend.objects.create(
            **{"member": buyer, "cents": 100, "reference": "r", "occurred_at": timezone.now()} | row
        )
