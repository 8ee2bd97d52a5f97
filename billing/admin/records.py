"""What staff read and never change: the money ledger (append-only in the database too), the
payment provider's events, and pass subscriptions (moved by checkout, payment and cancel)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin
from billing.models import LedgerEntry, PassSubscription, PaymentEvent
from membership.money import cents_format


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "member", "kind", "amount", "invoice", "reference"]
    list_filter = ["kind"]
    list_select_related = ["member", "invoice"]
    search_fields = ["reference", "member__email", "invoice__number"]
    date_hierarchy = "created_at"

    @admin.display(description=_("amount"), ordering="cents")
    def amount(self, entry: LedgerEntry) -> str:
        return cents_format(entry.cents)


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyModelAdmin):
    list_display = ["received_at", "provider", "type", "event_id", "outcome", "invoice"]
    list_filter = ["provider", "outcome", "type"]
    list_select_related = ["invoice"]
    search_fields = ["event_id", "invoice__number"]


@admin.register(PassSubscription)
class PassSubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = ["member", "plan", "renews", "membership", "cancelled_at", "ended_at"]
    list_filter = ["renews", "plan"]
    list_select_related = ["member", "plan", "membership__plan"]
    search_fields = ["member__email"]
