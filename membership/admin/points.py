"""Staff read the points ledger here and change nothing: entries are append-only in the
database too. A correction is a new entry written by a service (an earning with its own
reference, or a spend given back); this increment has no admin action for one."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin, ReadOnlyTabularInline
from membership.models import PointsAccount, PointsAllocation, PointsEntry


class PointsAllocationInline(ReadOnlyTabularInline):
    model = PointsAllocation
    fk_name = "entry"
    fields = ("lot", "points")
    readonly_fields = fields
    verbose_name = _("points moved from or back to a lot")
    verbose_name_plural = _("points moved from or back to lots")


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyModelAdmin):
    list_display = ["member", "balance", "created_at"]
    list_select_related = ["member"]
    search_fields = ["member__email"]
    ordering = ["-balance"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["account", "kind", "points", "reason", "reference", "expires_at", "created_at"]
    list_filter = ["kind", "reason"]
    list_select_related = ["account__member"]
    search_fields = ["account__member__email", "reference"]
    inlines = [PointsAllocationInline]
