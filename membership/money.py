"""Amounts in cents written for the reader: the platform's one money formatter. membership
uses it for its own sentences (a tier's rule); ``appraisals.pricing.price_format`` delegates
to it, since appraisals sits above membership."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import pgettext


def cents_format(cents: int, *, currency: str = "EUR", language: str | None = None) -> str:
    """``cents`` as the reader's language writes the amount, e.g. "€1,000.00"."""
    with translation.override(language or translation.get_language()):
        amount = number_format(
            Decimal(cents) / 100, decimal_pos=2, use_l10n=True, force_grouping=True
        )
        if currency == "EUR":
            # Translators: a price in euros; move the sign where your language puts it.
            return pgettext("price", "€%(amount)s") % {"amount": amount}
        return f"{amount} {currency}"
