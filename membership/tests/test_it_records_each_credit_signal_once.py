"""Apps record what the credit score counts through ``credit_signal_record``: each fact once by
its reference, even when delivered by many workers at once, and nothing malformed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from members.models import User
from membership.models import CreditSignal
from membership.selectors.credit import credit_score
from membership.services.credit import CreditRefused, credit_signal_record
from tests.racing import race


def _member(email: str) -> User:
    return User.objects.create_user(email=email, password="x")


@pytest.mark.django_db
def test_the_same_fact_twice_is_recorded_once() -> None:
    member = _member("m@example.com")
    first = credit_signal_record(member=member, kind="payment_failed", reference="evt_1")
    again = credit_signal_record(member=member, kind="payment_failed", reference="evt_1")
    assert first.pk == again.pk
    assert CreditSignal.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "reference", "code"),
    [
        ("bonus", "x:1", "invalid_kind"),
        ("risk_flag", "", "invalid_reference"),
        ("risk_flag", "   ", "invalid_reference"),
        ("risk_flag", "r" * 201, "invalid_reference"),
    ],
)
def test_malformed_signals_are_refused(kind: str, reference: str, code: str) -> None:
    with pytest.raises(CreditRefused) as refused:
        credit_signal_record(member=_member("m@example.com"), kind=kind, reference=reference)
    assert refused.value.code == code
    assert not CreditSignal.objects.exists()


@pytest.mark.django_db
def test_a_future_or_naive_date_is_refused() -> None:
    member = _member("m@example.com")
    for when in [timezone.now() + timedelta(hours=1), timezone.now().replace(tzinfo=None)]:
        with pytest.raises(CreditRefused) as refused:
            credit_signal_record(member=member, kind="risk_flag", reference="r", occurred_at=when)
        assert refused.value.code == "invalid_date"


@pytest.mark.django_db
def test_a_reference_taken_by_another_member_or_kind_is_refused() -> None:
    one, other = _member("a@example.com"), _member("b@example.com")
    credit_signal_record(member=one, kind="chargeback", reference="dp_1")
    for member, kind in [(other, "chargeback"), (one, "payment_failed")]:
        with pytest.raises(CreditRefused) as refused:
            credit_signal_record(member=member, kind=kind, reference="dp_1")
        assert refused.value.code == "reference_reused"
    assert CreditSignal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_workers_delivering_one_fact_at_once_record_it_once() -> None:
    member = _member("m@example.com")
    _recorded, errors = race(
        10,
        lambda i: credit_signal_record(member=member, kind="chargeback", reference="dp_race"),
    )
    assert errors == []
    assert CreditSignal.objects.filter(reference="dp_race").count() == 1


@pytest.mark.django_db
def test_the_member_reads_their_score_with_reasons_in_their_language() -> None:
    member = _member("m@example.com")
    member.date_joined = timezone.now() - timedelta(days=100)
    member.save(update_fields=["date_joined"])
    credit_signal_record(
        member=member,
        kind="payment_failed",
        reference="evt_f",
        occurred_at=timezone.now() - timedelta(days=10),
    )
    credit_signal_record(member=_member("o@example.com"), kind="chargeback", reference="evt_o")
    with translation.override("en"):
        score = credit_score(member)
    assert score.score == 60 + 3 - 4
    assert score.band == "fair"
    labels = [f.label for f in score.factors]
    assert labels[:2] == ["1 failed payment", "Member for 3 months"]
    assert not any("chargeback" in label for label in labels)  # another member's
    assert score.improve[0].startswith("Verify your email")
    with translation.override("zh-hans"):
        assert credit_score(member).score == score.score
