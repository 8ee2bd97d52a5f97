"""Where a case waiting for an expert stands in the queue, as its buyer is told.

The place follows the order experts take seats in (``selectors.reviews.queue_order``: express
first, then priority, due time, age), so what the buyer reads is what happens. The expected
start is an estimate from the live queue: the cases ahead times the recent time an expert
spends on a seat, shared among the experts at work now; the promise stays the tier's due time
(``Submission.due_at``, appraisals/services/sla.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from appraisals.models import Review, Status, Submission
from appraisals.selectors.reviews import queue_available, queue_order

# Until enough seats are signed to measure it: a careful examination of one item.
DEFAULT_SEAT_MINUTES = 30
RECENT_SEATS = 50  # the signed seats the time per seat is measured over


@dataclass(frozen=True)
class QueuePlace:
    """A case's place: with an expert now, or waiting at ``position`` (1 is next)."""

    with_expert: bool
    position: int | None = None
    expected_start: datetime | None = None  # an estimate, never a promise
    due_at: datetime | None = None  # the promise

    @property
    def ahead(self) -> int:
        return (self.position or 1) - 1


def seat_time_recent() -> timedelta:
    """The mean time from claim to signature over the latest signed seats."""
    spent = ExpressionWrapper(F("signed_at") - F("claimed_at"), output_field=DurationField())
    recent = Review.objects.filter(signed_at__isnull=False, claimed_at__isnull=False).order_by(
        "-signed_at"
    )[:RECENT_SEATS]
    mean = Review.objects.filter(pk__in=recent.values("pk")).aggregate(mean=Avg(spent))["mean"]
    return mean if mean and mean > timedelta(0) else timedelta(minutes=DEFAULT_SEAT_MINUTES)


def submission_queue_place(
    *, submission: Submission, now: datetime | None = None
) -> QueuePlace | None:
    """The place of a case waiting for an expert; None for a case in any other state (or one
    the expert queue never serves, such as a sandbox case)."""
    if submission.status != Status.AWAITING_EXPERT:
        return None
    now = now or timezone.now()
    seats = Review.objects.filter(
        submission=submission, round=submission.round, reappraisal__isnull=True
    )
    taken = Q(state=Review.State.SIGNED) | Q(state=Review.State.CLAIMED, claim_expires_at__gt=now)
    if seats.filter(taken).exists():
        return QueuePlace(with_expert=True, due_at=submission.due_at)
    # A case counts once however many seats it has (a second blind seat, a re-appraisal's
    # two), in the order of its first seat.
    order = queue_order(queue_available(now=now)).values_list("submission_id", "reappraisal_id")
    cases: list[tuple[int, int | None]] = list(dict.fromkeys(order))
    mine = (submission.pk, None)
    if mine not in cases:
        return None
    position = cases.index(mine) + 1
    experts = (
        Review.objects.filter(state=Review.State.CLAIMED, claim_expires_at__gt=now)
        .values("expert")
        .distinct()
        .count()
    )
    wait = seat_time_recent() * (position - 1) / max(experts, 1)
    return QueuePlace(
        with_expert=False, position=position, expected_start=now + wait, due_at=submission.due_at
    )
