"""Which genuine reference to show for a photo slot: the most specific active one, or the
slot's drawn example."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from appraisals.models import Brand, PhotoSlot, ProductModel, ReferencePhoto
from members.models import User

VIEW_INACTIVE_PERMISSION = "appraisals.view_referencephoto"


@dataclass(frozen=True)
class SlotReference:
    """What a page shows as the genuine reference of a slot."""

    url: str
    caption: str
    is_photo: bool  # a staff photo of a genuine item; False for the drawn example


def _candidates(
    *, brand: Brand | int | None, product_model: ProductModel | None
) -> QuerySet[ReferencePhoto]:
    if product_model is not None:
        brand = product_model.brand_id
    if brand is None:
        return ReferencePhoto.objects.none()
    fits = Q(product_model__isnull=True)
    if product_model is not None:
        fits |= Q(product_model=product_model)
    return (
        ReferencePhoto.objects.filter(fits, brand=brand, active=True)
        .annotate(
            specific=Case(
                When(product_model__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("slot_id", "specific", "-created_at", "-id")
    )


def reference_photos_for_slots(
    *,
    slots: Iterable[PhotoSlot],
    brand: Brand | int | None,
    product_model: ProductModel | None = None,
) -> dict[int, ReferencePhoto]:
    """The best active reference photo of each slot that has one, in one query: one of the
    model line before one of the whole brand, the newest first."""
    ids = [slot.pk for slot in slots]
    best: dict[int, ReferencePhoto] = {}
    for reference in _candidates(brand=brand, product_model=product_model).filter(slot_id__in=ids):
        best.setdefault(reference.slot_id, reference)
    return best


def reference_url(reference: ReferencePhoto) -> str:
    return reverse("appraisals:reference-image", args=[reference.pk])


def reference_photo_get_visible(*, reference_id: int, user: User) -> ReferencePhoto:
    """A reference photo as ``user`` may see it: an active one, or any one for staff who may
    view the list; 404 otherwise."""
    reference = ReferencePhoto.objects.filter(pk=reference_id).first()
    if reference is None or not (reference.active or user.has_perm(VIEW_INACTIVE_PERMISSION)):
        raise Http404(_("No such reference photo."))
    return reference


def slot_reference(*, slot: PhotoSlot, photo: ReferencePhoto | None) -> SlotReference | None:
    """What to show for ``slot`` given its best reference photo (None: there is none): the
    photo, else the slot's drawn example; None when the slot has neither."""
    if photo is not None:
        return SlotReference(url=reference_url(photo), caption=photo.caption, is_photo=True)
    if slot.example_image:
        return SlotReference(url=slot.example_image.url, caption="", is_photo=False)
    return None


def slot_reference_best(
    *, slot: PhotoSlot, brand: Brand | int | None, product_model: ProductModel | None = None
) -> SlotReference | None:
    """The reference a page shows for one slot of an item of ``brand`` (and model line)."""
    photos = reference_photos_for_slots(slots=[slot], brand=brand, product_model=product_model)
    return slot_reference(slot=slot, photo=photos.get(slot.pk))
