"""``{% slot_reference slot product_model %}``: a slot's genuine reference photo as the
example the buyer copies, or the slot's drawn example when staff uploaded none.

Load with ``{% load references %}``. Without a model line, pass the brand:
``{% slot_reference slot None brand=submission.brand %}``.
"""

from __future__ import annotations

from typing import Any

from django import template

from appraisals.models import Brand, PhotoSlot, ProductModel
from appraisals.selectors.references import slot_reference_best

register = template.Library()


@register.inclusion_tag("appraisals/references/slot_reference.html")
def slot_reference(
    slot: PhotoSlot, product_model: ProductModel | None = None, brand: Brand | None = None
) -> dict[str, Any]:
    return {
        "slot": slot,
        "reference": slot_reference_best(
            slot=slot, brand=brand.pk if brand else None, product_model=product_model or None
        ),
    }
