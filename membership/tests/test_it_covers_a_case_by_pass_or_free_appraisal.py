"""``quota_consume`` and ``appraisal_offer``: a pass covers a case's Standard price uncounted,
else one of the period's free appraisals does, else nothing does (None, and the offer says
why); a faster tier pays the difference; a case consumes once; bad input is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from members.models import User
from membership.models import QuotaPeriod, QuotaUse
from membership.selectors.quotas import AppraisalOffer, QuotaRefused, appraisal_offer
from membership.services.quotas import quota_consume
from membership.tests.quotas_ledger import assert_quota_exact
from membership.tests.quotas_plans import DAY, NOW, PRIORITY, STANDARD, grant

pytestmark = pytest.mark.django_db


def _consume(
    member: User, reference: str, *, now: datetime = NOW, tier: str = "standard"
) -> QuotaUse | None:
    base = STANDARD if tier == "standard" else PRIORITY
    return quota_consume(
        member=member,
        reference=reference,
        service_tier=tier,
        base_cents=base,
        standard_cents=STANDARD,
        now=now,
    )


def _offer(member: User, *, now: datetime = NOW, tier: str = "standard") -> AppraisalOffer:
    base = STANDARD if tier == "standard" else PRIORITY
    return appraisal_offer(
        member, service_tier=tier, base_cents=base, standard_cents=STANDARD, now=now
    )


def test_a_pass_covers_every_case_uncounted_and_keeps_the_free_one(buyer: User) -> None:
    held = grant(buyer, "pass-monthly", starts_at=NOW - 3 * DAY, ends_at=NOW + 27 * DAY)

    offer = _offer(buyer)
    uses = [_consume(buyer, f"submission:{i}") for i in range(5)]

    assert (offer.covered_by, offer.covered_cents, offer.price_cents) == ("pass", STANDARD, 0)
    assert offer.free_left is None and offer.reason == "Covered by your pass."
    assert all(u is not None and u.source == "pass" and u.membership == held for u in uses)
    assert QuotaPeriod.objects.get(member=buyer).used == 0  # the free appraisal stays for later
    assert_quota_exact(buyer)


def test_a_free_appraisal_covers_one_case_a_month_on_free(buyer: User) -> None:
    offer = _offer(buyer)
    use = _consume(buyer, "submission:a")

    assert (offer.covered_by, offer.price_cents, offer.free_left) == ("free", 0, 1)
    assert offer.reason == "Covered by one of your free appraisals (1 left this month)."
    assert use is not None and use.source == "free" and use.membership is None
    assert (use.covered_cents, use.base_cents, use.price_cents) == (STANDARD, STANDARD, 0)
    period = QuotaPeriod.objects.get(member=buyer)
    assert (period.allowance, period.used) == (1, 1)
    assert period.starts_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert period.ends_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert_quota_exact(buyer)


def test_nothing_covers_a_case_once_the_free_appraisals_are_used(buyer: User) -> None:
    grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None)
    assert _consume(buyer, "submission:a") is not None
    assert _consume(buyer, "submission:b") is not None

    offer = _offer(buyer)
    assert _consume(buyer, "submission:c") is None

    assert (offer.covered_by, offer.covered_cents, offer.price_cents) == ("", 0, STANDARD)
    assert offer.free_left == 0
    assert offer.reason == (
        "You have used your 2 free appraisals this month; more come on April 1, 2026."
    )
    assert QuotaUse.objects.filter(member=buyer).count() == 2
    assert QuotaPeriod.objects.get(member=buyer).used == 2
    assert_quota_exact(buyer)


def test_an_expired_pass_covers_nothing_and_the_offer_says_so(buyer: User) -> None:
    grant(buyer, "pass-monthly", starts_at=NOW - 40 * DAY, ends_at=NOW - 10 * DAY)
    assert _consume(buyer, "submission:free") is not None  # the Free plan's one

    offer = _offer(buyer)
    use = _consume(buyer, "submission:after-pass")

    assert use is None
    assert offer.covered_by == "" and offer.price_cents == STANDARD
    assert offer.reason.startswith(
        "Your pass ended on March 5, 2026, so it no longer covers your cases."
    )
    assert_quota_exact(buyer)


def test_a_pass_covers_a_case_up_to_the_instant_it_ends(buyer: User) -> None:
    ends = NOW + DAY
    grant(buyer, "pass-monthly", starts_at=NOW - 3 * DAY, ends_at=ends)

    before = _consume(buyer, "submission:before", now=ends - DAY / 24)
    at_the_end = _consume(buyer, "submission:at-end", now=ends)

    assert before is not None and before.source == "pass"
    assert at_the_end is not None and at_the_end.source == "free"  # the pass no longer holds
    assert_quota_exact(buyer)


def test_a_new_month_brings_new_free_appraisals(buyer: User) -> None:
    march = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    april = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    assert _consume(buyer, "submission:march", now=march) is not None
    assert _consume(buyer, "submission:march-2", now=march) is None

    use = _consume(buyer, "submission:april", now=april)

    assert use is not None and use.source == "free"
    assert _offer(buyer, now=april).free_left == 0
    assert list(
        QuotaPeriod.objects.filter(member=buyer)
        .order_by("starts_at")
        .values_list("used", flat=True)
    ) == [1, 1]
    assert_quota_exact(buyer)


def test_the_same_case_consumes_once(buyer: User) -> None:
    grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None)
    first = _consume(buyer, "submission:a")
    again = _consume(buyer, "submission:a")
    again_faster = _consume(buyer, "submission:a", tier="priority")

    assert first is not None and first == again == again_faster
    assert QuotaUse.objects.count() == 1
    assert QuotaPeriod.objects.get(member=buyer).used == 1
    assert_quota_exact(buyer)


def test_another_members_case_reference_is_refused(buyer: User, stranger: User) -> None:
    assert _consume(buyer, "submission:a") is not None

    with pytest.raises(QuotaRefused) as refused:
        _consume(stranger, "submission:a")

    assert refused.value.code == "reference_reused"
    assert not QuotaUse.objects.filter(member=stranger).exists()


def test_a_faster_tier_pays_the_difference_over_the_standard_price(buyer: User) -> None:
    grant(buyer, "pass-annual", starts_at=NOW - 3 * DAY, ends_at=None)

    offer = _offer(buyer, tier="priority")
    use = _consume(buyer, "submission:p", tier="priority")

    assert (offer.base_cents, offer.covered_cents, offer.price_cents) == (PRIORITY, STANDARD, 1_500)
    assert offer.reason == (
        "Your pass covers the Standard price; you pay €15.00 for the faster tier."
    )
    assert use is not None and (use.base_cents, use.covered_cents, use.price_cents) == (
        PRIORITY,
        STANDARD,
        1_500,
    )
    assert use.service_tier == "priority"
    assert_quota_exact(buyer)


def test_a_tier_earned_mid_month_raises_the_months_allowance(buyer: User) -> None:
    assert _consume(buyer, "submission:a") is not None  # Free's one
    assert _consume(buyer, "submission:b") is None
    grant(buyer, "diamond", starts_at=NOW + DAY, ends_at=None)

    later = NOW + 2 * DAY
    uses = [_consume(buyer, f"submission:d{i}", now=later) for i in range(4)]

    assert [u is not None for u in uses] == [True, True, True, False]  # 4 a month in all
    period = QuotaPeriod.objects.get(member=buyer)
    assert (period.allowance, period.used) == (4, 4)
    assert_quota_exact(buyer)


@pytest.mark.parametrize(
    ("tier", "base", "standard", "code"),
    [
        ("overnight", STANDARD, STANDARD, "invalid_tier"),
        ("standard", -1, 0, "invalid_amount"),
        ("standard", STANDARD, -5, "invalid_amount"),
        ("standard", 12.5, 0, "invalid_amount"),
        ("standard", True, 0, "invalid_amount"),
        ("priority", STANDARD, PRIORITY, "covered_above_price"),
    ],
)
def test_bad_input_is_refused_with_a_clear_code(
    buyer: User, tier: str, base: object, standard: int, code: str
) -> None:
    for call in (
        lambda: quota_consume(
            member=buyer,
            reference="submission:x",
            service_tier=tier,
            base_cents=base,  # type: ignore[arg-type]
            standard_cents=standard,
            now=NOW,
        ),
        lambda: appraisal_offer(
            buyer,
            service_tier=tier,
            base_cents=base,  # type: ignore[arg-type]
            standard_cents=standard,
            now=NOW,
        ),
    ):
        with pytest.raises(QuotaRefused) as refused:
            call()
        assert refused.value.code == code and refused.value.message
    assert not QuotaUse.objects.exists()


@pytest.mark.parametrize("reference", ["", "   ", "x" * 201, None])
def test_a_case_needs_a_reference(buyer: User, reference: object) -> None:
    with pytest.raises(QuotaRefused) as refused:
        _consume(buyer, reference)  # type: ignore[arg-type]
    assert refused.value.code == "invalid_reference"


def test_a_naive_moment_is_refused(buyer: User) -> None:
    naive = datetime(2026, 3, 1, 12, 0)  # noqa: DTZ001
    for call in (
        lambda: _consume(buyer, "submission:a", now=naive),
        lambda: _offer(buyer, now=naive),
    ):
        with pytest.raises(QuotaRefused) as refused:
            call()
        assert refused.value.code == "invalid_date"
