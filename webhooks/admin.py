"""Staff see every endpoint, event, delivery and attempt, and can redeliver; only partners
register endpoints (through the API, where their URL is checked)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import delivery_redeliver, endpoint_update


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["partner", "url", "event_types", "sandbox", "active", "failing_since"]
    list_filter = ["sandbox", "active", "partner"]
    exclude = ["secret"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # "secret" is excluded from the form; listed here so it is not shown read-only either.
        editable = {"active", "description", "secret"}
        return [f for f in super().get_readonly_fields(request, obj) if f not in editable]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Through the service, so disabling an endpoint also cancels its pending deliveries.
        endpoint = WebhookEndpoint.objects.get(pk=obj.pk)
        endpoint_update(endpoint=endpoint, active=obj.active, description=obj.description)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["uid", "partner", "event_type", "sandbox", "test", "created_at"]
    list_filter = ["event_type", "sandbox", "test"]
    search_fields = ["uid"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "started_at", "status_code", "latency_ms", "response_excerpt", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event",
        "endpoint",
        "state",
        "attempt_count",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state"]
    list_select_related = ["event", "endpoint__partner"]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    @admin.action(description=gettext_lazy("Redeliver now"), permissions=["change"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            delivery_redeliver(delivery=delivery)
        messages.success(
            request,
            gettext("%(count)d delivery(ies) sent again.") % {"count": len(queryset)},
        )
