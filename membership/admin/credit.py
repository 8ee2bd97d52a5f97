"""Staff read the credit signals here. They are facts recorded by the app where each happened
(disputes, billing, risk control), so staff change none of them; the score is computed from
them wherever it is shown and is never stored."""

from __future__ import annotations

from django.contrib import admin

from authplatform.admin_readonly import ReadOnlyModelAdmin
from membership.models import CreditSignal


@admin.register(CreditSignal)
class CreditSignalAdmin(ReadOnlyModelAdmin):
    list_display = ["member", "kind", "reference", "occurred_at", "note"]
    list_filter = ["kind"]
    list_select_related = ["member"]
    search_fields = ["member__email", "reference"]
    date_hierarchy = "occurred_at"
