"""Business logic of a submission's life as a draft: the item, the details, submitting.

Every function validates, then saves inside ``transaction.atomic``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appraisals.models import (
    Brand,
    Category,
    PhotoSlot,
    ProductModel,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Tier,
)
from appraisals.policies import CasePolicy, ReviewBy, policy_assign
from appraisals.queueing import task_enqueue_on_commit
from appraisals.services.fees import submission_fee_settle
from appraisals.services.fees import submission_price as submission_price
from appraisals.services.priority import submission_priority_apply
from appraisals.services.transitions import submission_mark_submitted
from members.models import User
from members.services import notification_send

Kind = SubmissionEvent.Kind


def submission_ensure_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise ValidationError(
            _("This case is %(status)s and can't be changed now.")
            % {"status": submission.get_status_display().lower()}
        )


def file_delete_after_commit(name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def retake_notify(submission: Submission, hints: list[str], *, link: str) -> None:
    """Tell the owner, in their language, which photos to retake and how."""
    with translation.override(submission.owner.language):
        notification_send(
            user=submission.owner,
            subject=ngettext(
                "%(reference)s: please retake %(count)d photo",
                "%(reference)s: please retake %(count)d photos",
                len(hints),
            )
            % {"reference": submission.reference, "count": len(hints)},
            body="\n".join(hints),
            link=link,
        )


def submission_event_add(
    submission: Submission, kind: str, message: str = "", *, requested_by: User | None = None
) -> SubmissionEvent:
    """A line on the case's timeline; ``requested_by`` for a step someone other than the
    submitter asked for (``SubmissionEvent.requested_by``)."""
    return SubmissionEvent.objects.create(
        submission=submission,
        kind=kind,
        message=message,
        round=submission.round,
        requested_by=requested_by,
    )


def _validate_item(*, category: Category, brand: Brand, product_model: ProductModel | None) -> None:
    if not brand.categories.filter(pk=category.pk).exists():
        raise ValidationError(
            {
                "brand": _("We don't authenticate %(brand)s in the %(category)s category.")
                % {"brand": brand.local_name, "category": category.local_name}
            }
        )
    if product_model is not None and (
        product_model.brand_id != brand.pk or product_model.category_id != category.pk
    ):
        raise ValidationError(
            {"product_model": _("Pick a model of the chosen brand and category.")}
        )


def submission_start(
    *, owner: User, category: Category, brand: Brand, product_model: ProductModel | None
) -> Submission:
    """Step 1: create the draft for an item."""
    _validate_item(category=category, brand=brand, product_model=product_model)
    with transaction.atomic():
        submission = Submission.objects.create(
            owner=owner, category=category, brand=brand, product_model=product_model
        )
        submission_event_add(submission, Kind.CREATED, f"{brand.name} {category.name.lower()}")
    return submission


def submission_create(
    *,
    owner: User,
    policy: CasePolicy,
    category: Category,
    brand: Brand,
    product_model: ProductModel | None = None,
    serial_code: str = "",
    tier: str = "",
    declared_value_eur: int | None = None,
    external_reference: str = "",
    sandbox_outcome: str = "",
) -> Submission:
    """A draft with its item, details and tier in one step, all or nothing (the partner API).

    ``policy`` is the one the partner's key chose (appraisals/policies.py). A case the sandbox
    bot reviews is signed with ``sandbox_outcome`` (appraisals/services/sandbox.py); any other
    ignores it.
    """
    with transaction.atomic():
        submission = submission_start(
            owner=owner, category=category, brand=brand, product_model=product_model
        )
        submission_details_update(
            submission=submission,
            serial_code=serial_code,
            tier=tier or Tier.STANDARD,
            declared_value_eur=declared_value_eur,
        )
        submission.external_reference = external_reference
        mode_fields = policy_assign(submission=submission, policy=policy)
        by_bot = policy.review_by is ReviewBy.SANDBOX_BOT
        submission.sandbox_outcome = sandbox_outcome if by_bot else ""
        submission.save(update_fields=["external_reference", "sandbox_outcome", *mode_fields])
    return submission


def submission_item_update(
    *,
    submission: Submission,
    category: Category,
    brand: Brand,
    product_model: ProductModel | None,
) -> Submission:
    """Change the item of a draft. Changing the category drops photos of the old slots."""
    submission_ensure_editable(submission)
    _validate_item(category=category, brand=brand, product_model=product_model)
    with transaction.atomic():
        if category.pk != submission.category_id:
            for photo in submission.photos.all():
                file_delete_after_commit(photo.image.name)
            submission.photos.all().delete()
        submission.category, submission.brand = category, brand
        submission.product_model = product_model
        submission.save(update_fields=["category", "brand", "product_model", "updated_at"])
    return submission


def submission_details_update(
    *, submission: Submission, serial_code: str, tier: str, declared_value_eur: int | None = None
) -> Submission:
    """Steps 3 and 4: the optional serial/date code, the declared value and the tier."""
    submission_ensure_editable(submission)
    serial = " ".join(serial_code.split()).upper()
    if len(serial) > 40:
        raise ValidationError(
            {"serial_code": _("A serial or date code has at most 40 characters.")}
        )
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose standard, priority or express.")})
    if declared_value_eur is not None and not 0 < declared_value_eur <= 10_000_000:
        raise ValidationError({"declared_value_eur": _("Give a value from 1 to 10,000,000 EUR.")})
    with transaction.atomic():
        submission.serial_code, submission.tier = serial, tier
        submission.serial_source = "buyer" if serial else ""
        submission.declared_value_eur = declared_value_eur
        submission.save(
            update_fields=[
                "serial_code", "serial_source", "tier", "declared_value_eur", "updated_at"
            ]
        )  # fmt: skip
    return submission


@dataclass(frozen=True)
class PhotoGaps:
    """What the photo step still lacks: required slots without a photo, and photos that
    failed the check (in slot order)."""

    missing: tuple[PhotoSlot, ...] = ()
    retake: tuple[tuple[PhotoSlot, SubmissionPhoto], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing or self.retake)


def submission_photo_gaps(*, submission: Submission) -> PhotoGaps:
    """The photo step's gaps. Reads photos and slots through ``.all()``, so a list that
    prefetched them (the partner API's) asks nothing more per submission."""
    photos = {p.slot_id: p for p in submission.photos.all()}
    slots = sorted(submission.category.slots.all(), key=lambda s: (s.position, s.pk))
    return PhotoGaps(
        missing=tuple(s for s in slots if s.required and s.pk not in photos),
        retake=tuple(
            (s, photos[s.pk]) for s in slots if s.pk in photos and not photos[s.pk].quality_ok
        ),
    )


def submission_photos_complete(*, submission: Submission) -> None:
    """Leave the photo step: refused, naming each slot, while a required photo is missing or
    a photo must be retaken."""
    gaps = submission_photo_gaps(submission=submission)
    if gaps:
        raise ValidationError(_photo_problems(gaps))


def _photo_problems(gaps: PhotoGaps) -> list[str]:
    problems = [
        _("Add a photo for “%(slot)s” (required).") % {"slot": slot.local_name}
        for slot in gaps.missing
    ]
    for slot, photo in gaps.retake:
        issues = "; ".join(str(i["message"]) for i in photo.issues) or _("failed the check")
        problems.append(
            _("Retake “%(slot)s”: %(issues)s") % {"slot": slot.local_name, "issues": issues}
        )
    return problems


def submission_blockers(*, submission: Submission) -> list[str]:
    """What stops this draft from being submitted, in words the buyer can act on.

    Reads the photos, slots and photo requests through ``.all()``, so a list that prefetched
    them (the partner API's) asks nothing more per submission.
    """
    photos = {p.slot_id: p for p in submission.photos.all()}
    slots = sorted(submission.category.slots.all(), key=lambda s: (s.position, s.pk))
    problems = _photo_problems(submission_photo_gaps(submission=submission))
    if not submission.tier:
        problems.append(_("Choose a service tier."))
    unanswered = [r for r in submission.photo_requests.all() if r.answered_at is None]
    if unanswered:
        request = max(unanswered, key=lambda r: (r.created_at, r.pk))  # the newest
        by_code = {s.code: s for s in slots}
        for code in request.slot_codes:
            if code not in by_code:
                continue
            photo = photos.get(by_code[code].pk)
            if photo is None or photo.uploaded_at <= request.created_at:
                problems.append(
                    _("The expert asked for a new photo of “%(slot)s”.")
                    % {"slot": by_code[code].local_name}
                )
    return problems


def submission_submit(*, submission: Submission, for_partner: bool = False) -> Submission:
    """Step 5: hand the case to the server-side photo re-check.

    A member's first round goes only when its fee is covered or paid
    (``appraisals.services.fees.submission_fee_settle``); ``for_partner``: it comes
    through a partner's API key, which is billed outside this flow.
    """
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        submission_ensure_editable(locked)
        problems = submission_blockers(submission=locked)
        if problems:
            raise ValidationError(problems)
        submission_fee_settle(submission=locked, for_partner=for_partner)
        now = timezone.now()
        request = locked.photo_requests.filter(answered_at__isnull=True).first()
        if request is not None:
            # The SLA clock stops while the case waits for the buyer's photos.
            request.answered_at = now
            request.save(update_fields=["answered_at"])
            if locked.due_at is not None:
                locked.due_at += now - request.created_at
        if locked.price_cents is None:
            locked.price_cents = submission_price(submission=locked).cents
        submission_mark_submitted(submission=locked, now=now)
        locked.save(
            update_fields=["status", "round", "submitted_at", "due_at", "price_cents", "updated_at"]
        )
        submission_priority_apply(submission=locked, for_partner=for_partner)  # badge, order, SLA
        # Timeline messages are stored text: keep them in one language (English), not a mix
        # of whichever language the buyer happened to browse in.
        with translation.override("en"):
            submission_event_add(
                locked,
                Kind.SUBMITTED,
                # Stored in English; shown through "%(tier)s service" (message_display).
                f"{locked.get_tier_display()} service",
            )
        with translation.override(locked.owner.language):
            notification_send(
                user=locked.owner,
                subject=_("%(reference)s: we received your submission")
                % {"reference": locked.reference},
                body=_("We are checking your photos now. You'll hear from us at every step."),
                link=reverse("appraisals:submission-detail", args=[locked.uid]),
            )
        task_enqueue_on_commit("appraisals.tasks.submission_check_photos", locked.pk, locked.round)
    return locked
