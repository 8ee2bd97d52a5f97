"""Passports as the API returns them: the item and its history, never the owner."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import ResponseModelSerializer, ResponseSerializer
from appraisals.models import Brand, Category
from passports.models import Item, PassportEvent
from passports.selectors import passport_events


class PassportEventSerializer(ResponseSerializer):
    id = serializers.UUIDField(source="event.uid")
    kind = serializers.ChoiceField(source="event.kind", choices=PassportEvent.Kind.choices)
    # A declared field, not Field.label: DRF's metaclass takes it off the class.
    label = serializers.CharField(source="event.get_kind_display")  # type: ignore[assignment]
    summary = serializers.CharField(source="event.summary")
    occurred_at = serializers.DateTimeField(source="event.occurred_at")
    anchored = serializers.SerializerMethodField()
    revoked = serializers.BooleanField(source="proof.revoked")

    def get_anchored(self, row: dict[str, Any]) -> bool:
        return row["proof"]["anchor"] is not None


class PassportSerializer(ResponseModelSerializer):
    """The public passport: the item and its history, never the owner."""

    token = serializers.CharField(source="public_token")
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    brand: serializers.SlugRelatedField[Brand] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    serial = serializers.CharField(source="serial_masked")
    stolen = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["token", "category", "brand", "serial", "owner_number", "stolen", "events"]

    def get_stolen(self, item: Item) -> bool:
        return item.stolen_since is not None

    @extend_schema_field(PassportEventSerializer(many=True))
    def get_events(self, item: Item) -> list[dict[str, Any]]:
        return PassportEventSerializer(passport_events(item=item), many=True).data  # type: ignore[return-value]


class ServiceEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[PassportEvent.Kind.SERVICE.value, PassportEvent.Kind.REPAIR.value]
    )
    summary = serializers.CharField(min_length=3, max_length=300, help_text="What was done.")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
