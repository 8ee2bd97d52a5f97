"""Read-side queries of the expert review queue and of a case under review."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from appraisals.models import Finding, PreScreen, Reappraisal, Review, Status, Tier
from appraisals.policies import ReviewBy, policy_filter
from members.models import User
from membership.models import Plan

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def queue_seats() -> QuerySet[Review]:
    """Seats of cases waiting for an expert, open or claimed, of each case's current round.

    Seats of a round that asked for more photos are withdrawn, but a stale one must never be
    served or listed.
    """
    appraisal = policy_filter(via="submission", review_by=ReviewBy.EXPERTS) & Q(
        reappraisal__isnull=True,
        submission__status=Status.AWAITING_EXPERT,
        round=F("submission__round"),
    )
    # The dispute lane: blind re-appraisals (of a disputed report), through the same claims.
    reappraisal = Q(reappraisal__isnull=False)
    return Review.objects.filter(appraisal | reappraisal).filter(
        state__in=[Review.State.OPEN, Review.State.CLAIMED]
    )


def queue_available(*, now: datetime) -> QuerySet[Review]:
    """Seats an expert could take now: open, or claimed with a claim that ran out."""
    return queue_seats().filter(
        Q(state=Review.State.OPEN) | Q(state=Review.State.CLAIMED, claim_expires_at__lte=now)
    )


def queue_order(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The service tier first (express, priority, standard), then the member's plan priority
    snapshotted at submission (Diamond before Black card before a pass before Free), then the
    AI routing's priority, then due time, age."""
    return reviews.annotate(
        tier_rank=Case(
            When(submission__tier=Tier.EXPRESS, then=Value(0)),
            When(submission__tier=Tier.PRIORITY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by(
        "tier_rank", "-submission__member_priority", "-submission__priority",
        "submission__due_at", "submission__submitted_at", "id",
    )  # fmt: skip


class QueueAnnotations(TypedDict):
    """What ``review_queue`` adds to each seat."""

    ai_band: str | None  # the pre-screen's band of the seat's round, if it ran
    due: datetime | None
    # The member's plan badge (a pass or tier snapshotted at submission; none for Free), in
    # both languages: ``plan_badge`` picks the reader's.
    badge_name: str | None
    badge_name_zh: str | None


def review_queue() -> QuerySet[WithAnnotations[Review, QueueAnnotations]]:
    """Every seat of the queue, in the order experts take them, with a fixed query count.

    Claimed seats stay listed (with who holds them until when), so the page shows the whole
    workload; ``review_take_next`` only serves open or expired ones.
    """
    band = PreScreen.objects.filter(
        submission=OuterRef("submission"), round=OuterRef("round")
    ).values("band")[:1]
    badge = Plan.objects.filter(code=OuterRef("submission__member_plan")).exclude(
        kind=Plan.Kind.FREE
    )
    return queue_order(
        queue_seats().select_related(
            "submission__category",
            "submission__brand",
            "submission__product_model",
            "expert",
            "reappraisal",
        )
    ).annotate(
        ai_band=Subquery(band),
        badge_name=Subquery(badge.values("name")[:1]),
        badge_name_zh=Subquery(badge.values("name_zh_hans")[:1]),
        # A re-appraisal runs on its own clock (its dispute's), not the original case's.
        due=Coalesce("reappraisal__due_at", "submission__due_at"),
    )


def review_get_for_expert(*, review_id: int | str, expert: User) -> Review:
    """A seat the expert holds or held; anyone else's seat is a 404."""
    try:
        return (
            Review.objects.select_related(
                "submission__category", "submission__brand", "submission__product_model",
                "submission__owner", "expert", "reappraisal",
            )
            .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("id")))
            .get(pk=int(review_id), expert=expert)
        )  # fmt: skip
    except (Review.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such case in your hands.") from error


def review_others_visible(*, review: Review) -> list[Review]:
    """The other seats' signed opinions this seat may see: only a senior sees any.

    The first and the second expert are blind to each other, both ways.
    """
    if review.stage != Review.Stage.SENIOR:
        return []
    return list(
        Review.objects.filter(
            submission_id=review.submission_id, round=review.round, state=Review.State.SIGNED
        )
        .exclude(pk=review.pk)
        .select_related("expert")
        .prefetch_related("findings__photo__slot")
        .order_by("stage")
    )


def reviews_held_by(*, expert: User) -> QuerySet[Review]:
    return Review.objects.filter(expert=expert, state=Review.State.CLAIMED).select_related(
        "submission__brand", "submission__category"
    )


def reappraisal_seats(*, reappraisal: Reappraisal | int) -> QuerySet[Review]:
    """A blind re-appraisal's two seats, with who holds each, for whoever ordered it (its
    staff and panel pages); never shown to the re-appraisers themselves."""
    return Review.objects.filter(reappraisal=reappraisal).select_related("expert").order_by("stage")


def reappraisal_verdicts(*, reappraisal: Reappraisal | int) -> list[str] | None:
    """The verdicts of a re-appraisal's seats once every one is signed; None until then."""
    seats = list(Review.objects.filter(reappraisal=reappraisal).values_list("state", "verdict"))
    if not seats or any(state != Review.State.SIGNED for state, _ in seats):
        return None
    return [verdict for _, verdict in seats]


def reappraisal_seated(*, reappraisal: Reappraisal | int, user: User) -> bool:
    """Whether ``user`` holds or held a seat of this re-appraisal (and may read its brief)."""
    return Review.objects.filter(reappraisal=reappraisal, expert=user).exists()


def submission_examined_by(*, submission_id: int, user: User) -> bool:
    """Whether ``user`` ever held a seat on the case, in any round or re-appraisal: such a
    person may not judge it again (a dispute's panel)."""
    return Review.objects.filter(submission_id=submission_id, expert=user).exists()
