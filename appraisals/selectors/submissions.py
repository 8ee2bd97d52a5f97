"""Read-side queries for the catalog and submissions, with ownership checks built in."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from appraisals.models import (
    Brand,
    Category,
    PhotoSlot,
    ProductModel,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
)
from appraisals.policies import ReviewBy, policy_filter
from appraisals.selectors.custody import submission_held_by
from members.models import User


def category_list() -> QuerySet[Category]:
    return Category.objects.prefetch_related(
        Prefetch("slots", queryset=PhotoSlot.objects.order_by("position"))
    ).order_by("position", "name")


def brand_list(*, category: Category | None) -> QuerySet[Brand]:
    brands = Brand.objects.order_by("name")
    return brands.filter(categories=category) if category is not None else brands.none()


def product_model_search(
    *, category: Category | None, brand: Brand | None, query: str = "", limit: int = 50
) -> QuerySet[ProductModel]:
    """Models of a brand in a category, optionally narrowed by words of name or reference."""
    if category is None or brand is None:
        return ProductModel.objects.none()
    models = ProductModel.objects.filter(category=category, brand=brand).select_related("brand")
    for word in query.split()[:5]:
        models = models.filter(
            Q(name__icontains=word) | Q(name_zh_hans__icontains=word) | Q(reference__icontains=word)
        )
    return models.order_by("name")[:limit]


def submission_list_for_owner(*, owner: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(owner=owner)
        .select_related("category", "brand", "product_model")
        .annotate(photo_count=Count("photos"))
        .order_by("-created_at", "-id")
    )


def submission_get_for_owner(*, uid: uuid.UUID | str, owner: User) -> Submission:
    """The owner's submission; anyone else gets 404, so existence doesn't leak."""
    try:
        return Submission.objects.select_related("category", "brand", "product_model", "owner").get(
            uid=uid, owner=owner
        )
    except (Submission.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such submission.") from error


def submission_photos(*, submission: Submission) -> QuerySet[SubmissionPhoto]:
    return submission.photos.select_related("slot").order_by("slot__position")


def submission_photo_get(*, submission: Submission, photo_id: int | str) -> SubmissionPhoto:
    try:
        return submission.photos.select_related("slot").get(pk=int(photo_id))
    except (SubmissionPhoto.DoesNotExist, ValueError) as error:
        raise Http404("No such photo.") from error


def submission_slot_get(*, submission: Submission, slot_code: str) -> PhotoSlot:
    try:
        return submission.category.slots.get(code=slot_code)
    except PhotoSlot.DoesNotExist as error:
        raise Http404("No such photo slot.") from error


def submission_events(*, submission: Submission, viewer: User) -> QuerySet[SubmissionEvent]:
    """The case's timeline as its submitter ``viewer`` sees it: while they hold the report,
    all of it; once it passed on, without the steps someone else asked for (a dispute the
    report's next holder opened), but with their own."""
    # message_display names the item, which reads the case's brand and category.
    events = submission.events.select_related("submission__brand", "submission__category").order_by(
        "created_at", "id"
    )
    if submission_held_by(submission, viewer):
        return events
    return events.filter(Q(requested_by__isnull=True) | Q(requested_by=viewer))


def submissions_stalled(*, older_than: timedelta) -> QuerySet[Submission]:
    """Submitted cases whose photo re-check should have finished by now."""
    return Submission.objects.filter(
        status=Status.SUBMITTED, updated_at__lt=timezone.now() - older_than
    )


def submissions_prescreen_stalled(*, older_than: timedelta) -> QuerySet[Submission]:
    """Queued cases still waiting for their AI pre-screen."""
    return Submission.objects.filter(
        status=Status.QUEUED, updated_at__lt=timezone.now() - older_than
    )


def submissions_bot_review_stalled(*, older_than: timedelta) -> QuerySet[Submission]:
    """Cases still waiting for the sandbox bot (its task was lost or failed)."""
    return Submission.objects.filter(
        policy_filter(review_by=ReviewBy.SANDBOX_BOT),
        status=Status.AWAITING_EXPERT,
        updated_at__lt=timezone.now() - older_than,
    )
