"""Helpers that build submissions through the same services the pages use."""

from __future__ import annotations

from appraisals.models import Brand, Category, Submission
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import submission_start
from members.models import User
from tests.photos import good_jpeg


def draft_for(owner: User, category: Category, *, with_photos: bool = False) -> Submission:
    """A draft of the first brand and model of ``category``; optionally every slot filled."""
    brand = Brand.objects.filter(categories=category).order_by("name").first()
    assert brand is not None
    model = brand.models.filter(category=category).first()
    submission = submission_start(owner=owner, category=category, brand=brand, product_model=model)
    if with_photos:
        for index, slot in enumerate(category.slots.order_by("position")):
            submission_photo_upload(submission=submission, slot=slot, data=good_jpeg(index))
    return submission
