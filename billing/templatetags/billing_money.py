"""``{{ invoice.total_cents|cents }}``: an amount in cents as the reader's language writes it."""

from __future__ import annotations

from django import template

from membership.money import cents_format

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    return cents_format(value or 0)
