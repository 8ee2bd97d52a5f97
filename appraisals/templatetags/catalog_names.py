"""Catalog names in the reader's language: ``{% load catalog_names %}{{ item.brand|local_name }}``.

The Chinese name while 简体中文 is active and staff gave one, else the English name (see
``LocalizedNames``). Signed documents keep the English ``name``; pages use this.
"""

from __future__ import annotations

from django import template

from appraisals.models import Brand, Category, PhotoSlot, ProductModel

register = template.Library()


@register.filter
def local_name(row: Category | Brand | ProductModel | PhotoSlot | None) -> str:
    """``row``'s name for the active language; empty for no row (an item without a model)."""
    return row.local_name if row is not None else ""
