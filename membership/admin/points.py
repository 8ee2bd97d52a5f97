"""Staff read the points ledger here and change nothing: entries are append-only in the
database too. A correction is a new entry written by a service (an earning with its own
reference, or a spend given back); this increment has no admin action for one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin
from membership.models import PointsAccount, PointsAllocation, PointsEntry


class PointsAllocationInline(admin.TabularInline):
    model = PointsAllocation
    fk_name = "entry"
    fields = ["lot", "points"]
    readonly_fields = ["lot", "points"]
    extra = 0
    verbose_name = _("points moved from or back to a lot")
    verbose_name_plural = _("points moved from or back to lots")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
