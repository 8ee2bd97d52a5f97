"""Loading the shipped catalog: categories, photo slots with drawn examples, brands, models."""

from __future__ import annotations

import functools
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from appraisals.models import Brand, Category, PhotoSlot, ProductModel


@functools.cache
def _slot_example_png(category: str, slot: str) -> bytes:
    """The drawn example for a slot; drawing is deterministic, so once per process is enough."""
    from appraisals.slot_examples import render_slot_example

    buffer = io.BytesIO()
    render_slot_example(category=category, slot=slot).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _chinese_fill(row: Category | PhotoSlot | Brand | ProductModel, **chinese: str) -> None:
    """Give ``row`` the shipped Chinese texts it lacks; one staff wrote is kept."""
    missing = [field for field, text in chinese.items() if not getattr(row, field)]
    for field in missing:
        setattr(row, field, chinese[field])
    if missing:
        row.save(update_fields=missing)


def catalog_load() -> dict[str, int]:
    """Create or update the shipped catalog; slot example images are drawn if missing.

    Idempotent: rerunning changes nothing that staff didn't change, and never deletes. Chinese
    names are filled where empty, so a catalog loaded before they shipped gets them too.
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
            _chinese_fill(
                category,
                name_zh_hans=spec["name_zh_hans"],
                description_zh_hans=spec["description_zh_hans"],
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
                _chinese_fill(
                    slot,
                    name_zh_hans=slot_spec["name_zh_hans"],
                    instruction_zh_hans=slot_spec["instruction_zh_hans"],
                )
                counts["slots"] += 1
                if not slot.example_image.name or not slot.example_image.storage.exists(
                    slot.example_image.name
                ):
                    png = _slot_example_png(category.slug, slot.code)
                    slot.example_image.save("example.png", ContentFile(png))
        for brand_name, brand_spec in BRANDS.items():
            brand, _ = Brand.objects.get_or_create(
                name=brand_name, defaults={"slug": slugify(brand_name)}
            )
            _chinese_fill(brand, name_zh_hans=brand_spec["name_zh_hans"])
            counts["brands"] += 1
            for category_slug, models in brand_spec["models"].items():
                brand.categories.add(categories[category_slug])
                for model in models:
                    product_model, _ = ProductModel.objects.get_or_create(
                        brand=brand,
                        name=model.name,
                        defaults={
                            "category": categories[category_slug],
                            "reference": model.reference,
                            "typical_value_eur": model.typical_value_eur,
                        },
                    )
                    if product_model.typical_value_eur is None:
                        product_model.typical_value_eur = model.typical_value_eur
                        product_model.save(update_fields=["typical_value_eur"])
                    _chinese_fill(product_model, name_zh_hans=model.name_zh_hans)
                    counts["models"] += 1
    return counts
