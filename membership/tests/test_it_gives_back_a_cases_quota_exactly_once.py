"""``quota_restore``: a cancelled or inconclusive case gives back exactly what its use covered,
once, with the reason recorded; a restored free appraisal can cover another case in the same
period; an unknown case restores nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from members.models import User
from membership.models import QuotaPeriod, QuotaUse
from membership.selectors.quotas import QuotaRefused, appraisal_offer
from membership.services.quotas import quota_consume, quota_restore
from membership.tests.quotas_ledger import assert_quota_exact
from membership.tests.quotas_plans import DAY, NOW, STANDARD, grant

pytestmark = pytest.mark.django_db


def _consume(member: User, reference: str, *, now: datetime = NOW) -> QuotaUse | None:
    return quota_consume(
        member=member,
        reference=reference,
        service_tier="standard",
        base_cents=STANDARD,
        standard_cents=STANDARD,
        now=now,
    )


def _used(member: User) -> int:
    return QuotaPeriod.objects.get(member=member).used


def test_a_cancelled_case_gives_its_free_appraisal_back(buyer: User) -> None:
    use = _consume(buyer, "submission:a")
    assert use is not None and _used(buyer) == 1

    restored = quota_restore(reference="submission:a", reason="cancelled")

    assert restored is not None and restored.pk == use.pk
    assert restored.restored_at is not None and restored.restore_reason == "cancelled"
    assert _used(buyer) == 0
    assert appraisal_offer(buyer, service_tier="standard", base_cents=STANDARD,
                           standard_cents=STANDARD, now=NOW).free_left == 1  # fmt: skip
    assert_quota_exact(buyer)


def test_an_inconclusive_verdict_gives_back_with_its_reason(buyer: User) -> None:
    grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None)
    _consume(buyer, "submission:a")
    _consume(buyer, "submission:b")

    quota_restore(reference="submission:b", reason="inconclusive")

    use = QuotaUse.objects.get(reference="submission:b")
    assert use.restore_reason == "inconclusive" and use.restored_at is not None
    assert QuotaUse.objects.get(reference="submission:a").restored_at is None
    assert _used(buyer) == 1
    assert_quota_exact(buyer)


def test_restoring_twice_gives_back_once(buyer: User) -> None:
    grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None)
    _consume(buyer, "submission:a")
    _consume(buyer, "submission:b")

    first = quota_restore(reference="submission:a", reason="cancelled")
    second = quota_restore(reference="submission:a", reason="inconclusive")

    assert first is not None and second is not None and first.pk == second.pk
    assert second.restored_at == first.restored_at and second.restore_reason == "cancelled"
    assert _used(buyer) == 1  # b still holds its free appraisal
    assert_quota_exact(buyer)


def test_an_unknown_case_restores_nothing(buyer: User) -> None:
    _consume(buyer, "submission:a")

    assert quota_restore(reference="submission:never", reason="cancelled") is None
    assert _used(buyer) == 1
    assert_quota_exact(buyer)


def test_a_restored_free_appraisal_covers_another_case_in_the_same_month(buyer: User) -> None:
    _consume(buyer, "submission:a")
    assert _consume(buyer, "submission:b") is None

    quota_restore(reference="submission:a", reason="cancelled")
    again = _consume(buyer, "submission:b", now=NOW + DAY)

    assert again is not None and again.source == "free"
    assert _used(buyer) == 1
    assert_quota_exact(buyer)


def test_a_case_restored_can_be_consumed_again(buyer: User) -> None:
    """A cancelled payment that the member starts again: a new use, the old one kept."""
    first = _consume(buyer, "submission:a")
    quota_restore(reference="submission:a", reason="payment abandoned")

    second = _consume(buyer, "submission:a")

    assert first is not None and second is not None and second.pk != first.pk
    assert QuotaUse.objects.filter(reference="submission:a").count() == 2
    assert _used(buyer) == 1
    assert_quota_exact(buyer)


def test_a_pass_use_is_marked_restored_and_counts_nothing(buyer: User) -> None:
    grant(buyer, "pass-monthly", starts_at=NOW - 3 * DAY, ends_at=NOW + 20 * DAY)
    use = _consume(buyer, "submission:a")

    restored = quota_restore(reference="submission:a", reason="cancelled")

    assert use is not None and use.source == "pass"
    assert restored is not None and restored.restored_at is not None
    assert restored.covered_cents == STANDARD  # what it covered stays on the record
    assert _used(buyer) == 0
    assert_quota_exact(buyer)


def test_a_free_appraisal_from_last_month_goes_back_to_last_month(buyer: User) -> None:
    _consume(buyer, "submission:feb", now=NOW - 30 * DAY)
    _consume(buyer, "submission:mar")

    quota_restore(reference="submission:feb", reason="cancelled")

    feb, mar = QuotaPeriod.objects.filter(member=buyer).order_by("starts_at")
    assert (feb.used, mar.used) == (0, 1)
    assert_quota_exact(buyer)


@pytest.mark.parametrize(("reference", "reason"), [("", "cancelled"), ("submission:a", ""),
                                                    ("submission:a", "x" * 201)])  # fmt: skip
def test_a_restore_needs_a_reference_and_a_reason(buyer: User, reference: str, reason: str) -> None:
    _consume(buyer, "submission:a")

    with pytest.raises(QuotaRefused) as refused:
        quota_restore(reference=reference, reason=reason)

    assert refused.value.code in {"invalid_reference", "invalid_reason"}
    assert _used(buyer) == 1
