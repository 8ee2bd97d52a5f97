"""Staff's genuine reference photos: checked and re-encoded like a buyer's photo, then stored."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

from appraisals.models import ReferencePhoto
from appraisals.services.submissions import file_delete_after_commit
from appraisals.uploads import SanitizedPhoto, photo_sanitize
from members.models import User


def reference_image_sanitize(*, data: bytes) -> SanitizedPhoto:
    """Decode an uploaded reference image and re-encode it as a metadata-free JPEG.

    Raises ``appraisals.uploads.PhotoRejected`` with a message for the uploader.
    """
    return photo_sanitize(
        data=data, max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS
    )


def reference_photo_save(
    *, reference: ReferencePhoto, uploaded_by: User, image: SanitizedPhoto | None
) -> ReferencePhoto:
    """Validate and save a reference photo; a new ``image`` replaces the stored one.

    A new reference needs an image. The replaced file is deleted once the row commits.
    """
    reference.full_clean(exclude=["image"])
    if image is None and not reference.pk:
        raise ValueError("A new reference photo needs an image.")
    stored_name: str | None = ""
    try:
        with transaction.atomic():
            if image is not None:
                old_name = (
                    ReferencePhoto.objects.filter(pk=reference.pk)
                    .values_list("image", flat=True)
                    .first()
                    if reference.pk
                    else None
                )
                reference.image.save("reference.jpg", ContentFile(image.content), save=False)
                stored_name = reference.image.name
                reference.width, reference.height = image.width, image.height
                reference.uploaded_by = uploaded_by
                file_delete_after_commit(old_name)
            reference.save()
    except BaseException:
        # The row never committed, so the file just written would be an orphan.
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return reference


def reference_photo_delete(*, reference: ReferencePhoto) -> None:
    with transaction.atomic():
        file_delete_after_commit(reference.image.name)
        reference.delete()


def reference_photos_deactivate(*, references: QuerySet[ReferencePhoto]) -> int:
    """Stop showing these references (kept, so staff can switch them back on)."""
    return references.update(active=False)
