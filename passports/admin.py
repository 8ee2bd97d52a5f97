"""Passports in the admin, read-only: events are anchored and change only through services."""

from __future__ import annotations

from django.contrib import admin

from passports.models import Item, PassportEvent, Transfer
from provenance.admin import ReadOnly, ReadOnlyInline


class EventInline(ReadOnlyInline):
    model = PassportEvent
    fields = ["occurred_at", "kind", "summary", "report", "document"]


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ["__str__", "owner_number", "stolen_since", "merged_into", "created_at"]
    list_filter = ["category", "brand"]
    search_fields = ["serial", "public_token"]
    inlines = [EventInline]


@admin.register(Transfer)
class TransferAdmin(ReadOnly):
    list_display = ["item", "to_email", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    exclude = ["token"]
