"""What the webhook endpoints API reads and returns (webhooks/api.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint


# One named component for every event-type field, where spectacular would name the enum after
# each field (event_type, event_types) and warn about the two names.
@extend_schema_field(
    {"type": "string", "enum": EventType.values, "description": "A webhook event type."},
    component_name="WebhookEventType",
)
class EventTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=EventType.choices, **kwargs)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(
        source="uid",
        read_only=True,
        help_text="Sent with each delivery as Authplatform-Endpoint-Id.",
    )
    event_types = serializers.ListField(child=EventTypeField())

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "description", "event_types", "sandbox", "active", "failing_since",
            "created_at",
        ]  # fmt: skip


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: only when created or rotated."""

    secret = serializers.CharField(
        allow_null=True,
        help_text="Signs every delivery (whsec_…). Shown this once: null in a replayed answer "
        "(Idempotent-Replayed: true), which never keeps it; rotate the secret to get a new one.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="A public http(s) URL.")
    event_types = serializers.ListField(child=EventTypeField(), min_length=1)
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    event_types = serializers.ListField(child=EventTypeField(), min_length=1, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, help_text="False cancels pending ones.")


class WebhookTestSerializer(serializers.Serializer):
    event_type = EventTypeField()


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "status_code", "latency_ms", "response_excerpt", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        read_only=True,
        help_text="Sent with each attempt as Authplatform-Delivery-Id: the same on every retry.",
    )
    event = serializers.CharField(source="event.wire_id", help_text="The event id (evt_…).")
    event_type = EventTypeField(source="event.event_type")
    test = serializers.BooleanField(source="event.test")
    attempts = WebhookAttemptSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event", "event_type", "test", "state", "attempt_count", "next_attempt_at",
            "last_status_code", "delivered_at", "created_at", "attempts",
        ]  # fmt: skip
