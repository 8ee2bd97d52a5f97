"""Business logic of the buyer's submission: drafts, photos, submitting and the re-check.

Every function here validates, then saves inside ``transaction.atomic``. Files written to
storage are removed again if the transaction rolls back, so a failed upload leaves no
orphan file, and replaced files are deleted only after the new row has committed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from appraisals.models import (
    Brand,
    Category,
    PhotoSlot,
    ProductModel,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Tier,
)
from appraisals.uploads import PhotoRejected, photo_sanitize
from members.models import User
from members.services import notification_send
from ml.quality import QualityReport, QualityThresholds, assess_photo

logger = logging.getLogger(__name__)
Kind = SubmissionEvent.Kind


def _quality_thresholds() -> QualityThresholds:
    return replace(QualityThresholds(), min_short_side=settings.PHOTO_MIN_SHORT_SIDE)


def _require_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise ValidationError(
            f"This case is {submission.get_status_display().lower()} and can't be changed now."
        )


def _delete_file_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _event_add(submission: Submission, kind: str, message: str = "") -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission, kind=kind, message=message, round=submission.round
    )


def _validate_item(*, category: Category, brand: Brand, product_model: ProductModel | None) -> None:
    if not brand.categories.filter(pk=category.pk).exists():
        raise ValidationError({"brand": f"We don't authenticate {brand.name} {category.name}s."})
    if product_model is not None and (
        product_model.brand_id != brand.pk or product_model.category_id != category.pk
    ):
        raise ValidationError({"product_model": "Pick a model of the chosen brand and category."})


def submission_start(
    *, owner: User, category: Category, brand: Brand, product_model: ProductModel | None
) -> Submission:
    """Step 1: create the draft for an item."""
    _validate_item(category=category, brand=brand, product_model=product_model)
    with transaction.atomic():
        submission = Submission.objects.create(
            owner=owner, category=category, brand=brand, product_model=product_model
        )
        _event_add(submission, Kind.CREATED, f"{brand.name} {category.name.lower()}")
    return submission


def submission_item_update(
    *,
    submission: Submission,
    category: Category,
    brand: Brand,
    product_model: ProductModel | None,
) -> Submission:
    """Change the item of a draft. Changing the category drops photos of the old slots."""
    _require_editable(submission)
    _validate_item(category=category, brand=brand, product_model=product_model)
    with transaction.atomic():
        if category.pk != submission.category_id:
            for photo in submission.photos.all():
                _delete_file_after_commit(photo.image.name)
            submission.photos.all().delete()
        submission.category, submission.brand = category, brand
        submission.product_model = product_model
        submission.save(update_fields=["category", "brand", "product_model", "updated_at"])
    return submission


@dataclass(frozen=True)
class PhotoUpload:
    """The outcome of one uploaded file: the saved photo, or why it was refused."""

    filename: str
    photo: SubmissionPhoto | None = None
    error: PhotoRejected | None = None


def submission_photo_upload(
    *, submission: Submission, slot: PhotoSlot, data: bytes
) -> SubmissionPhoto:
    """Sanitise, quality-check and store one photo for a slot (a retake replaces it).

    Raises ``PhotoRejected`` for a file we can't accept; nothing is saved then.
    """
    _require_editable(submission)
    if slot.category_id != submission.category_id:
        raise ValidationError("That photo slot belongs to another category.")
    clean = photo_sanitize(
        data=data, max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
    )
    report = assess_photo(clean.image, _quality_thresholds())
    stored_name = ""
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            _require_editable(locked)
            photo = SubmissionPhoto.objects.filter(submission=locked, slot=slot).first()
            old_name = photo.image.name if photo else ""
            if photo is None:
                photo = SubmissionPhoto(
                    submission=locked,
                    slot=slot,
                    attempts=1,
                    first_attempt_accepted=report.accepted,
                )
            else:
                photo.attempts += 1
            photo.sha256 = clean.sha256
            photo.width, photo.height = clean.width, clean.height
            photo.source_format = clean.source_format
            photo.quality = report.to_dict()
            photo.quality_ok = report.accepted
            photo.uploaded_at = timezone.now()
            photo.checked_at = None
            photo.image.save("photo.jpg", ContentFile(clean.content), save=False)
            stored_name = photo.image.name
            photo.save()
            _delete_file_after_commit(old_name)
            locked.save(update_fields=["updated_at"])
    except BaseException:
        # The row never committed, so the file just written would be an orphan.
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return photo


def submission_photos_batch(
    *, submission: Submission, files: list[tuple[str, bytes]]
) -> list[PhotoUpload]:
    """Upload several photos at once into the empty slots, in slot order.

    Each file stands alone: one refused file doesn't stop the others. The buyer can move a
    photo to another slot afterwards.
    """
    _require_editable(submission)
    taken = set(submission.photos.values_list("slot_id", flat=True))
    free = [s for s in submission.category.slots.order_by("position") if s.pk not in taken]
    results: list[PhotoUpload] = []
    for filename, data in files:
        if not free:
            error = PhotoRejected("no_free_slot", "Every photo slot already has a photo.")
            results.append(PhotoUpload(filename=filename, error=error))
            continue
        slot = free[0]
        try:
            photo = submission_photo_upload(submission=submission, slot=slot, data=data)
        except PhotoRejected as error:
            results.append(PhotoUpload(filename=filename, error=error))
            continue
        free.pop(0)
        results.append(PhotoUpload(filename=filename, photo=photo))
    if any(r.photo for r in results):
        with transaction.atomic():
            count = sum(1 for r in results if r.photo)
            _event_add(submission, Kind.PHOTOS_UPLOADED, f"{count} photos added in one batch")
    return results


def submission_photo_move(
    *, submission: Submission, photo: SubmissionPhoto, slot: PhotoSlot
) -> SubmissionPhoto:
    """Move a photo to another slot of the same submission, swapping if that slot is taken."""
    _require_editable(submission)
    if photo.submission_id != submission.pk or slot.category_id != submission.category_id:
        raise ValidationError("That photo or slot doesn't belong to this case.")
    if photo.slot_id == slot.pk:
        return photo
    with transaction.atomic():
        other = (
            SubmissionPhoto.objects.select_for_update()
            .filter(submission=submission, slot=slot)
            .first()
        )
        old_slot = photo.slot
        if other is not None:
            # Park the other photo on no slot first: the unique constraint is per slot.
            other.delete()
            photo.slot = slot
            photo.save(update_fields=["slot"])
            other.pk = None
            other.slot = old_slot
            other.save(force_insert=True)
        else:
            photo.slot = slot
            photo.save(update_fields=["slot"])
    return photo


def submission_photo_delete(*, submission: Submission, photo: SubmissionPhoto) -> None:
    _require_editable(submission)
    if photo.submission_id != submission.pk:
        raise ValidationError("That photo doesn't belong to this case.")
    with transaction.atomic():
        _delete_file_after_commit(photo.image.name)
        photo.delete()


def submission_details_update(*, submission: Submission, serial_code: str, tier: str) -> Submission:
    """Steps 3 and 4: the optional serial/date code and the service tier."""
    _require_editable(submission)
    serial = " ".join(serial_code.split()).upper()
    if len(serial) > 40:
        raise ValidationError({"serial_code": "A serial or date code has at most 40 characters."})
    if tier not in Tier.values:
        raise ValidationError({"tier": "Choose standard or express."})
    with transaction.atomic():
        submission.serial_code, submission.tier = serial, tier
        submission.save(update_fields=["serial_code", "tier", "updated_at"])
    return submission


def submission_blockers(*, submission: Submission) -> list[str]:
    """What stops this draft from being submitted, in words the buyer can act on."""
    photos = {p.slot_id: p for p in submission.photos.all()}
    problems: list[str] = []
    for slot in submission.category.slots.order_by("position"):
        photo = photos.get(slot.pk)
        if photo is None and slot.required:
            problems.append(f"Add a photo for “{slot.name}” (required).")
        elif photo is not None and not photo.quality_ok:
            issues = "; ".join(str(i["message"]) for i in photo.issues) or "failed the check"
            problems.append(f"Retake “{slot.name}”: {issues}")
    if not submission.tier:
        problems.append("Choose a service tier.")
    return problems


def submission_submit(*, submission: Submission) -> Submission:
    """Step 5: hand the case to the server-side photo re-check."""
    from appraisals.tasks import submission_check_photos

    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _require_editable(locked)
        problems = submission_blockers(submission=locked)
        if problems:
            raise ValidationError(problems)
        locked.mark_submitted(now=timezone.now())
        locked.save(update_fields=["status", "round", "submitted_at", "due_at", "updated_at"])
        _event_add(locked, Kind.SUBMITTED, f"{locked.get_tier_display()} service")
        notification_send(
            user=locked.owner,
            subject=f"{locked.reference}: we received your submission",
            body="We are checking your photos now. You'll hear from us at every step.",
            link=reverse("appraisals:submission-detail", args=[locked.uid]),
        )
        transaction.on_commit(
            lambda: submission_check_photos.delay(locked.pk, locked.round)  # type: ignore[attr-defined]
        )
    return locked


def _recheck_photo(photo: SubmissionPhoto) -> QualityReport | str:
    """Re-read a stored photo and re-run the quality check; a string says what's wrong."""
    with photo.image.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        return "The stored photo doesn't match what was uploaded. Upload it again."
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return assess_photo(img.convert("RGB"), _quality_thresholds())


def submission_check_photos_run(*, submission_id: int, round: int) -> str:
    """Server-side re-check of every photo of a submitted case; returns the outcome.

    Safe to run twice: it acts only while the case is still ``submitted`` in ``round``, and
    each outcome event is unique per round.
    """
    submission = Submission.objects.select_related("category", "owner").get(pk=submission_id)
    if submission.status != Status.SUBMITTED or submission.round != round:
        return "skipped"
    photos = list(submission.photos.select_related("slot"))
    failures: list[str] = []
    results: dict[int, QualityReport | str] = {p.pk: _recheck_photo(p) for p in photos}
    for photo in photos:
        outcome = results[photo.pk]
        if isinstance(outcome, str):
            failures.append(f"{photo.slot.name}: {outcome}")
        elif not outcome.accepted:
            failures.append(f"{photo.slot.name}: {'; '.join(i.message for i in outcome.issues)}")
    present = {p.slot_id for p in photos}
    for slot in submission.category.slots.filter(required=True):
        if slot.pk not in present:
            failures.append(f"{slot.name}: this required photo is missing.")

    now = timezone.now()
    link = reverse("appraisals:submission-detail", args=[submission.uid])
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission_id)
            if locked.status != Status.SUBMITTED or locked.round != round:
                return "skipped"
            for photo in photos:
                outcome = results[photo.pk]
                photo.checked_at = now
                if isinstance(outcome, str):
                    photo.quality_ok = False
                    photo.quality = {**photo.quality, "accepted": False, "server_error": outcome}
                else:
                    photo.quality_ok = outcome.accepted
                    photo.quality = outcome.to_dict()
                photo.save(update_fields=["checked_at", "quality_ok", "quality"])
            if failures:
                locked.status = Status.NEEDS_RETAKE
                locked.save(update_fields=["status", "updated_at"])
                _event_add(locked, Kind.RETAKE_REQUESTED, " | ".join(failures)[:500])
                notification_send(
                    user=locked.owner,
                    subject=f"{locked.reference}: please retake {len(failures)} photo(s)",
                    body="\n".join(failures),
                    link=link,
                )
                return "needs_retake"
            locked.status = Status.QUEUED
            locked.save(update_fields=["status", "updated_at"])
            _event_add(locked, Kind.PHOTOS_ACCEPTED, f"All {len(photos)} photos passed the check")
            _event_add(locked, Kind.QUEUED, "Waiting for the AI pre-screen")
            notification_send(
                user=locked.owner,
                subject=f"{locked.reference}: photos accepted",
                body="Your photos passed our checks. The case is queued for authentication.",
                link=link,
            )
            return "queued"
    except IntegrityError:
        # A concurrent run recorded this round's outcome first.
        return "skipped"


@functools.cache
def _slot_example_png(category: str, slot: str) -> bytes:
    """The drawn example for a slot; drawing is deterministic, so once per process is enough."""
    from appraisals.slot_examples import render_slot_example

    buffer = io.BytesIO()
    render_slot_example(category=category, slot=slot).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def catalog_load() -> dict[str, int]:
    """Create or update the shipped catalog; slot example images are drawn if missing.

    Idempotent: rerunning changes nothing that staff didn't change, and never deletes.
    """
    from appraisals.catalog_data import BRANDS, CATEGORIES

    counts = {"categories": 0, "slots": 0, "brands": 0, "models": 0}
    with transaction.atomic():
        categories: dict[str, Category] = {}
        for position, spec in enumerate(CATEGORIES):
            category, _ = Category.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "position": position,
                },
            )
            categories[spec["slug"]] = category
            counts["categories"] += 1
            for slot_position, slot_spec in enumerate(spec["slots"]):
                slot, _ = PhotoSlot.objects.get_or_create(
                    category=category,
                    code=slot_spec["code"],
                    defaults={
                        "name": slot_spec["name"],
                        "instruction": slot_spec["instruction"],
                        "required": slot_spec["required"],
                        "position": slot_position,
                    },
                )
                counts["slots"] += 1
                if not slot.example_image or not slot.example_image.storage.exists(
                    slot.example_image.name
                ):
                    png = _slot_example_png(category.slug, slot.code)
                    slot.example_image.save("example.png", ContentFile(png))
        for brand_name, per_category in BRANDS.items():
            brand, _ = Brand.objects.get_or_create(
                name=brand_name, defaults={"slug": slugify(brand_name)}
            )
            counts["brands"] += 1
            for category_slug, models in per_category.items():
                brand.categories.add(categories[category_slug])
                for model_name, reference in models:
                    ProductModel.objects.get_or_create(
                        brand=brand,
                        name=model_name,
                        defaults={"category": categories[category_slug], "reference": reference},
                    )
                    counts["models"] += 1
    return counts
