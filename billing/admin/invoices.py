"""Invoices in the admin. Staff change an invoice only through its actions, each a service
with a confirmation page: mark paid (invoice mode), void (with a reason) and refund (with a
reason). A refused one says why, invoice by invoice, and changes nothing for that invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from authplatform.admin_readonly import ReadOnlyModelAdmin
from billing.forms import ReasonForm
from billing.models import Invoice, InvoiceLine
from billing.services.invoices import (
    BillingRefused,
    invoice_mark_paid,
    invoice_refund,
    invoice_void,
)
from members.http import AuthenticatedHttpRequest
from membership.money import cents_format


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "description", "cents"]
    readonly_fields = ["position", "description", "cents"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyModelAdmin):
    list_display = ["number", "member", "purpose", "total", "status", "provider", "issued_at"]
    list_filter = ["status", "purpose", "provider"]
    list_select_related = ["member"]
    search_fields = ["number", "reference", "member__email"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline]
    actions = ["mark_paid", "void", "refund"]
    readonly_fields = [
        "number", "member", "purpose", "reference", "status", "currency", "subtotal_cents",
        "points_used", "discount_cents", "total_cents", "provider", "provider_session",
        "provider_payment", "issued_at", "due_at", "paid_at", "paid_by", "voided_at",
        "void_reason", "refunded_at", "refund_reason", "subscription", "membership",
    ]  # fmt: skip

    @admin.display(description=_("total"), ordering="total_cents")
    def total(self, invoice: Invoice) -> str:
        return cents_format(invoice.total_cents)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.has_perm("billing.settle_invoice"):
            for name in ("mark_paid", "void", "refund"):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("Mark the selected invoices paid (transfer received)"))
    def mark_paid(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Invoice]
    ) -> TemplateResponse | None:
        return self._confirm(
            request,
            queryset,
            action="mark_paid",
            title=gettext("Mark invoices paid"),
            question=gettext("Record that the money for these invoices has arrived?"),
            run=lambda invoice, reason: invoice_mark_paid(invoice=invoice, staff=request.user),
            done=lambda n: ngettext(
                "%(count)d invoice marked paid.", "%(count)d invoices marked paid.", n
            ),
            with_reason=False,
        )

    @admin.action(description=_("Void the selected invoices (not paid)"))
    def void(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Invoice]
    ) -> TemplateResponse | None:
        return self._confirm(
            request,
            queryset,
            action="void",
            title=gettext("Void invoices"),
            question=gettext(
                "Cancel these due invoices? Points used on them go back to their members."
            ),
            run=lambda invoice, reason: invoice_void(invoice=invoice, reason=reason),
            done=lambda n: ngettext("%(count)d invoice voided.", "%(count)d invoices voided.", n),
        )

    @admin.action(description=_("Refund the selected invoices in full"))
    def refund(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[Invoice]
    ) -> TemplateResponse | None:
        return self._confirm(
            request,
            queryset,
            action="refund",
            title=gettext("Refund invoices"),
            question=gettext(
                "Refund these paid invoices in full? The money goes back by the way it was "
                "paid, points go back to the member, and a pass they bought ends."
            ),
            run=lambda invoice, reason: invoice_refund(invoice=invoice, reason=reason),
            done=lambda n: ngettext(
                "%(count)d invoice refunded.", "%(count)d invoices refunded.", n
            ),
        )

    def _confirm(
        self,
        request: AuthenticatedHttpRequest,
        queryset: QuerySet[Invoice],
        *,
        action: str,
        title: str,
        question: str,
        run: Callable[[Invoice, str], Invoice],
        done: Callable[[int], str],
        with_reason: bool = True,
    ) -> TemplateResponse | None:
        """First the confirmation page (with a reason where one is asked); on its POST, the
        service for each invoice, with each refusal named."""
        if not request.user.has_perm("billing.settle_invoice"):
            self.message_user(request, gettext("You may not change invoices."), messages.ERROR)
            return None
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        confirmed = "confirm" in request.POST and (not with_reason or form.is_valid())
        if not confirmed:
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "question": question,
                "invoices": queryset,
                "action": action,
                "form": form if with_reason else None,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            status = 400 if "confirm" in request.POST else 200
            return TemplateResponse(
                request, "admin/billing/invoice/confirm_action.html", context, status=status
            )
        reason = form.cleaned_data["reason"] if with_reason else ""
        count = 0
        for invoice in queryset:
            try:
                run(invoice, reason)
                count += 1
            except BillingRefused as refused:
                self.message_user(request, f"{invoice.number}: {refused.message}", messages.ERROR)
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)
        return None
