"""Items as the passports tests need them: a row of an owner's, without a case behind it.

Tests of what happens to an item (a transfer, a theft, a service) start here; tests of how an
item comes to be start from a signed report (``appraisals.tests.reviewing``).
"""

from __future__ import annotations

from appraisals.models import Brand, Category
from members.models import User
from passports.models import Item


def item_of(owner: User, category: Category, *, serial: str = "") -> Item:
    """An item of the first brand of ``category``, owned by ``owner``."""
    brand = Brand.objects.filter(categories=category).order_by("name").first()
    assert brand is not None
    return Item.objects.create(category=category, brand=brand, serial=serial, owner=owner)
