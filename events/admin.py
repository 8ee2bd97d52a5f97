"""The outbox in the admin: every event with its deliveries, read-only; failed deliveries can
be retried or skipped (which lets later events about the same aggregate go on)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from authplatform.admin_readonly import ReadOnlyModelAdmin
from events.models import Delivery, Event
from events.registry import EventError
from events.services import delivery_retry, delivery_skip


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("subscriber", "state", "attempts", "next_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "name", "aggregate", "aggregate_id", "occurred_at")
    list_filter = ("name", "aggregate")
    search_fields = ("=aggregate_id", "name")
    readonly_fields = ("name", "aggregate", "aggregate_id", "payload", "occurred_at")
    inlines = [DeliveryInline]
    date_hierarchy = "occurred_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "event", "subscriber", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "subscriber")
    search_fields = ("=event__aggregate_id", "subscriber")
    readonly_fields = (
        "event", "subscriber", "aggregate_key", "state", "attempts", "next_attempt_at",
        "last_error", "delivered_at", "created_at",
    )  # fmt: skip
    list_select_related = ("event",)
    actions = ["retry", "skip"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing needs it in the list; the fields stay read-only and actions do the work.
        return request.user.has_perm("events.change_delivery")

    @admin.action(description="Retry the selected failed deliveries now")
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        self._each(request, queryset, delivery_retry, "retried")

    @admin.action(description="Skip the selected failed deliveries")
    def skip(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        self._each(request, queryset, delivery_skip, "skipped")

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Delivery], service: Any, done: str
    ) -> None:
        count = 0
        for delivery in queryset:
            try:
                service(delivery_id=delivery.pk)
                count += 1
            except EventError as error:
                self.message_user(request, f"Delivery {delivery.pk}: {error}", messages.WARNING)
        if count:
            self.message_user(request, f"{count} deliveries {done}.", messages.SUCCESS)
