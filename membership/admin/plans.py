"""Staff edit the plans and their benefits, see each member's memberships over time and grant a
plan, and read the spend that counts towards a tier. Grants and ends go through
``membership.services.plans``, so the no-overlap rule is a form error, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin
from membership.models import Membership, Plan, Spend
from membership.money import cents_format
from membership.services.plans import membership_end, membership_grant, membership_span_check

BENEFITS = (
    "free_appraisals",
    "free_appraisals_period",
    "unlimited_basic_appraisals",
    "review_priority",
    "sla_hours",
    "dispute_fee_waived",
    "guarantee_multiplier",
    "report_template",
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "price",
        "billing_interval",
        "threshold",
        *BENEFITS,
        "active",
        "position",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_zh_hans", "kind", "active", "position"]}),
        (_("Price"), {"fields": ["price_cents", "billing_interval", "spend_threshold_cents"]}),
        (_("Benefits"), {"fields": BENEFITS}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Plan | None = None) -> list[str]:
        # Memberships copy their plan's kind; changing it would move them to another kind.
        return ["kind"] if obj is not None else []

    @admin.display(description=_("price"), ordering="price_cents")
    def price(self, plan: Plan) -> str:
        return cents_format(plan.price_cents, currency=plan.currency)

    @admin.display(description=_("spend threshold"), ordering="spend_threshold_cents")
    def threshold(self, plan: Plan) -> str:
        if plan.spend_threshold_cents is None:
            return "–"
        return cents_format(plan.spend_threshold_cents)


class MembershipGrantForm(forms.ModelForm):
    """A staff grant, checked by the rule the service saves it under: an overlap is a form
    error."""

    class Meta:
        model = Membership
        fields = ["member", "plan", "starts_at", "ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        member, plan, starts_at = data.get("member"), data.get("plan"), data.get("starts_at")
        if member is not None and plan is not None and starts_at is not None:
            membership_span_check(
                member=member, kind=plan.kind, starts_at=starts_at, ends_at=data.get("ends_at")
            )
        return data


class MembershipEndForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        row = self.instance
        membership_span_check(
            member=row.member,
            kind=row.kind,
            starts_at=row.starts_at,
            ends_at=data.get("ends_at"),
            excluding=row.pk,
        )
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A member's plans over time (search by email); staff grant a plan, source "staff", or
    move a membership's end. Nothing else of a row changes: it is the member's history."""

    list_display = ["member", "plan", "kind", "starts_at", "ends_at", "source", "created_at"]
    list_filter = ["kind", "source", "plan"]
    search_fields = ["member__email", "member__full_name"]
    list_select_related = ["member", "plan"]
    autocomplete_fields = ["member"]
    date_hierarchy = "starts_at"

    def get_form(
        self,
        request: HttpRequest,
        obj: Membership | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        kwargs["form"] = MembershipEndForm if obj is not None else MembershipGrantForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        if obj is None:
            return ["member", "plan", "starts_at", "ends_at"]
        return ["member", "plan", "kind", "starts_at", "ends_at", "source", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        if obj is None:
            return []
        return ["member", "plan", "kind", "starts_at", "source", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            membership_end(membership=obj, ends_at=form.cleaned_data["ends_at"])
            return
        granted = membership_grant(
            member=form.cleaned_data["member"],
            plan=form.cleaned_data["plan"],
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
        )
        obj.pk, obj.kind = granted.pk, granted.kind


@admin.register(Spend)
class SpendAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "member", "amount", "occurred_at", "created_at", "reversed_at"]
    search_fields = ["reference", "member__email"]
    list_select_related = ["member"]
    date_hierarchy = "occurred_at"

    @admin.display(description=_("amount"), ordering="cents")
    def amount(self, spend: Spend) -> str:
        return cents_format(spend.cents, currency=spend.currency)
