"""Amounts in cents written for the reader, for membership's own sentences (a tier's rule).

membership sits below appraisals, so it cannot use ``appraisals.pricing.price_format``; this is
the same formatting from integer cents, in the same translatable pattern ("€%(amount)s",
context "price"), so both read alike in every language.
"""

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
