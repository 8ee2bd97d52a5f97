"""Staff read quota periods and uses here and change nothing: a case's quota is consumed and
given back only by the services (``quota_consume``, ``quota_restore``), which the database
holds to the count."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin, ReadOnlyTabularInline
from membership.models import QuotaPeriod, QuotaUse


class QuotaUseInline(ReadOnlyTabularInline):
    model = QuotaUse
    fk_name = "quota_period"
    fields = ("reference", "source", "service_tier", "covered_cents", "created_at", "restored_at")
    readonly_fields = fields
    verbose_name = _("case covered in this period")
    verbose_name_plural = _("cases covered in this period")


@admin.register(QuotaPeriod)
class QuotaPeriodAdmin(ReadOnlyModelAdmin):
    list_display = ["member", "period", "starts_at", "ends_at", "allowance", "used"]
    list_filter = ["period"]
    list_select_related = ["member"]
    search_fields = ["member__email"]
    inlines = [QuotaUseInline]


@admin.register(QuotaUse)
class QuotaUseAdmin(ReadOnlyModelAdmin):
    list_display = [
        "reference",
        "member",
        "source",
        "service_tier",
        "base_cents",
        "covered_cents",
        "created_at",
        "restored_at",
        "restore_reason",
    ]
    list_filter = ["source", "service_tier", "restored_at"]
    list_select_related = ["member"]
    search_fields = ["member__email", "reference"]
    date_hierarchy = "created_at"
