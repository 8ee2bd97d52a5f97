"""Pieces every API body shares: money, enums that may be unset, response-only serializers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rest_framework import serializers

# The currencies we price and value in: one today. A closed set, so the schema declares it.
CURRENCIES = ("EUR",)


def money(cents: int | None, currency: str = "EUR") -> dict[str, str] | None:
    """An amount of minor units as the API writes it: ``{"amount": "29.00", "currency": "EUR"}``."""
    if cents is None:
        return None
    return {"amount": f"{cents // 100}.{cents % 100:02d}", "currency": currency}


class MoneySerializer(serializers.Serializer):
    """An amount with its currency. ``amount`` is a decimal string in the currency's major unit
    with two decimals in answers ("1200.00"), so no client loses cents to floating point."""

    amount = serializers.RegexField(
        r"^[0-9]{1,9}(\.[0-9]{1,2})?$",
        help_text='Decimal in the major unit, e.g. "1200.00"; at most two decimals.',
    )
    currency = serializers.ChoiceField(choices=CURRENCIES, help_text="ISO 4217 code.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and not isinstance(data.get("amount", ""), str):
            # A JSON number may already have lost its cents to floating point on the way.
            raise serializers.ValidationError({"amount": ['Send the amount as a string: "12.00".']})
        value = super().to_internal_value(data)
        try:
            value["cents"] = int(Decimal(value["amount"]) * 100)
        except InvalidOperation as error:  # the pattern already refuses these
            raise serializers.ValidationError({"amount": ["Not a decimal amount."]}) from error
        return value


class ChoiceOrNullField(serializers.ChoiceField):
    """A choice a row may not have made yet: stored blank, answered as null (not "")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


# Every field read-only: an answer, never a request body. Every field of an answer is always
# present, so the schema lists each as required (api/schema.py). (A comment, not a docstring:
# the schema would describe every response component with it.)
class _ReadOnlyFields:
    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            field.read_only = True
            field.required = False
        return fields


class ResponseSerializer(_ReadOnlyFields, serializers.Serializer):
    pass


class ResponseModelSerializer(_ReadOnlyFields, serializers.ModelSerializer):
    pass
