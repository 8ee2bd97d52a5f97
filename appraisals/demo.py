"""A demo case for ``make run``: the demo buyer's handbag, submitted with a full set of photos.

The close-ups the classifier screens are rendered by the project's own generator as a
*genuine* item of the chosen brand; the other slots use the catalog's drawn examples. Both
pass the photo checks, so the case travels the real path: photo re-check, AI pre-screen,
then the expert queue, where the demo expert can take it and sign a report.
"""

from __future__ import annotations

import io

from django.db import transaction

from appraisals.models import Brand, Category, Submission
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import (
    submission_details_update,
    submission_start,
    submission_submit,
)
from appraisals.slot_examples import render_slot_example
from members.models import User
from ml.dataset import Item, render_item
from ml.features import SCREENED_SLOTS

DEMO_BRAND = "Chanel"
# Rendered close-ups at this size pass the photo checks' resolution floor with room to spare.
_RENDER_SIZE = 720


def demo_photo(*, category: str, slot: str, brand: str, seed: int = 7) -> bytes:
    """JPEG bytes of a genuine-looking photo of ``slot`` for ``brand``."""
    if SCREENED_SLOTS.get(slot) == category:
        # Even indices render authentic items; step through them to reach the brand wanted.
        for index in range(0, 400, 2):
            item = Item(slot, index)
            if item.brand == brand:
                data, _record = render_item(item, seed, _RENDER_SIZE)
                return data
        raise ValueError(f"the generator has no {brand} {slot}")
    image = render_slot_example(category=category, slot=slot, size=(1200, 900))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def demo_submission_ensure(*, owner: User) -> Submission | None:
    """Submit the demo case once for ``owner``; None when they already have one."""
    if Submission.objects.filter(owner=owner).exists():
        return None
    category = Category.objects.get(slug="handbag")
    brand = Brand.objects.get(name=DEMO_BRAND)
    model = brand.models.filter(category=category).order_by("name").first()
    with transaction.atomic():
        submission = submission_start(
            owner=owner, category=category, brand=brand, product_model=model
        )
        for slot in category.slots.order_by("position"):
            data = demo_photo(category=category.slug, slot=slot.code, brand=brand.name)
            submission_photo_upload(submission=submission, slot=slot, data=data)
        submission_details_update(
            submission=submission, serial_code="", tier="express", declared_value_eur=3200
        )
        return submission_submit(submission=submission)
