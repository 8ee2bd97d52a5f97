"""Business logic of a submission's photos: upload, batch, move, delete and the re-check.

Files written to storage are removed again if the transaction rolls back, so a failed
upload leaves no orphan file, and replaced files are deleted only after the new row has
committed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image

from appraisals.models import (
    PhotoSlot,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
)
from appraisals.queueing import task_enqueue_on_commit
from appraisals.services.submissions import (
    file_delete_after_commit,
    retake_notify,
    submission_ensure_editable,
    submission_event_add,
)
from appraisals.services.transitions import photo_rejection_record, submission_status_move
from appraisals.uploads import PhotoRejected, SanitizedPhoto, photo_sanitize
from members.services import notification_send
from ml.quality import QualityReport, QualityThresholds, assess_photo

Kind = SubmissionEvent.Kind


def photo_quality_thresholds() -> QualityThresholds:
    return replace(QualityThresholds(), min_short_side=settings.PHOTO_MIN_SHORT_SIDE)


def _refuse_if_too_small(clean: SanitizedPhoto) -> None:
    """Refuse an image too small to be a photo of the item (an icon, a tracking pixel).

    A photo between the floor and ``PHOTO_MIN_SHORT_SIDE`` is a real, if poor, photo: it is
    stored and the quality check flags it for a retake, so the buyer sees it with the hint.
    The floor never rises above ``PHOTO_MIN_SHORT_SIDE``, so nothing the quality check would
    pass is refused here.
    """
    wanted = settings.PHOTO_MIN_SHORT_SIDE
    if min(clean.width, clean.height) >= min(settings.PHOTO_MIN_ACCEPT_SIDE, wanted):
        return
    raise PhotoRejected(
        "too_small",
        _(
            "This image is only %(width)d×%(height)d pixels: too small to show the item. Use "
            "your phone's main camera (at least %(wanted)d pixels on the short side), not a "
            "screenshot or a thumbnail."
        )
        % {"width": clean.width, "height": clean.height, "wanted": wanted},
    )


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
    submission_ensure_editable(submission)
    if slot.category_id != submission.category_id:
        raise ValidationError(_("That photo slot belongs to another category."))
    clean = photo_sanitize(
        data=data, max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
    )
    _refuse_if_too_small(clean)
    report = assess_photo(clean.image, photo_quality_thresholds())
    stored_name: str | None = ""
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            submission_ensure_editable(locked)
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
            photo.received_sha256 = hashlib.sha256(data).hexdigest()
            photo.width, photo.height = clean.width, clean.height
            photo.source_format = clean.source_format
            photo.quality = report.to_dict()
            photo.quality_ok = report.accepted
            photo.uploaded_at = timezone.now()
            photo.checked_at = None
            photo.image.save("photo.jpg", ContentFile(clean.content), save=False)
            stored_name = photo.image.name
            photo.save()
            if not photo.quality_ok:
                photo_rejection_record(photo=photo)
            file_delete_after_commit(old_name)
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
    submission_ensure_editable(submission)
    taken = set(submission.photos.values_list("slot_id", flat=True))
    free = [s for s in submission.category.slots.order_by("position") if s.pk not in taken]
    results: list[PhotoUpload] = []
    for filename, data in files:
        if not free:
            error = PhotoRejected("no_free_slot", _("Every photo slot already has a photo."))
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
            submission_event_add(
                submission, Kind.PHOTOS_UPLOADED, f"{count} photos added in one batch"
            )
    return results


def submission_photo_move(
    *, submission: Submission, photo: SubmissionPhoto, slot: PhotoSlot
) -> SubmissionPhoto:
    """Move a photo to another slot of the same submission, swapping if that slot is taken."""
    submission_ensure_editable(submission)
    if photo.submission_id != submission.pk or slot.category_id != submission.category_id:
        raise ValidationError(_("That photo or slot doesn't belong to this case."))
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
    submission_ensure_editable(submission)
    if photo.submission_id != submission.pk:
        raise ValidationError(_("That photo doesn't belong to this case."))
    with transaction.atomic():
        file_delete_after_commit(photo.image.name)
        photo.delete()


def _recheck_photo(photo: SubmissionPhoto) -> QualityReport | str:
    """Re-read a stored photo and re-run the quality check; a string says what's wrong."""
    with photo.image.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        return "The stored photo doesn't match what was uploaded. Upload it again."
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return assess_photo(img.convert("RGB"), photo_quality_thresholds())


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
                if not photo.quality_ok:
                    photo_rejection_record(photo=photo)
            if failures:
                submission_status_move(submission=locked, to=Status.NEEDS_RETAKE)
                locked.save(update_fields=["status", "updated_at"])
                submission_event_add(locked, Kind.RETAKE_REQUESTED, " | ".join(failures)[:500])
                retake_notify(locked, failures, link=link)
                return "needs_retake"
            submission_status_move(submission=locked, to=Status.QUEUED)
            locked.save(update_fields=["status", "updated_at"])
            task_enqueue_on_commit("appraisals.tasks.submission_prescreen", locked.pk, locked.round)
            submission_event_add(
                locked, Kind.PHOTOS_ACCEPTED, gettext_noop("All photos passed the check")
            )
            submission_event_add(locked, Kind.QUEUED, gettext_noop("Waiting for the AI pre-screen"))
            with translation.override(locked.owner.language):
                notification_send(
                    user=locked.owner,
                    subject=_("%(reference)s: photos accepted") % {"reference": locked.reference},
                    body=_("Your photos passed our checks. The case is queued for authentication."),
                    link=link,
                )
            return "queued"
    except IntegrityError:
        # A concurrent run recorded this round's outcome first.
        return "skipped"
