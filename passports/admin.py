"""Passports in the admin, read-only: events are anchored and change only through services.

Link proposals are the exception: an expert compares the two items' photos side by side on a
proposal's page and confirms or rejects it there (``passports.services.item_link_confirm``).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraisals import permissions
from authplatform.admin_readonly import ReadOnlyModelAdmin
from authplatform.errors import error_messages
from members.models import User
from passports import selectors, services
from passports.models import Item, ItemLinkProposal, PassportEvent, Transfer
from provenance.admin import ReadOnlyInline


class EventInline(ReadOnlyInline):
    model = PassportEvent
    fields = ["occurred_at", "kind", "summary", "report", "document"]


@admin.register(Item)
class ItemAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "owner_number", "stolen_since", "merged_into", "created_at"]
    list_filter = ["category", "brand"]
    search_fields = ["serial", "public_token"]
    inlines = [EventInline]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyModelAdmin):
    list_display = ["item", "to_email", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    exclude = ["token"]


class RejectForm(forms.Form):
    note = forms.CharField(
        max_length=500, label=_("Why they are different items"), widget=forms.Textarea({"rows": 2})
    )


class OwnersDifferFilter(admin.SimpleListFilter):
    title = _("claim")
    parameter_name = "owners"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("differ", gettext("Two owners claim the serial")), ("same", gettext("One owner"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("differ", "same"):
            return queryset.filter(owners_differ=self.value() == "differ")
        return queryset


@admin.register(ItemLinkProposal)
class ItemLinkProposalAdmin(ReadOnlyModelAdmin):
    list_display = [
        "__str__", "submission_reference", "state", "two_owners", "created_at", "decided_by",
    ]  # fmt: skip
    list_filter = ["state", OwnersDifferFilter]
    list_select_related = ["item__brand", "item__category", "submission", "decided_by"]

    def _may_see(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (
            user.has_perm(permissions.REVIEW) or user.has_perm("passports.view_itemlinkproposal")
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_see(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_see(request)

    @admin.display(description=_("case"))
    def submission_reference(self, proposal: ItemLinkProposal) -> str:
        return proposal.submission.reference

    @admin.display(description=_("two owners"), boolean=True)
    def two_owners(self, proposal: ItemLinkProposal) -> bool:
        return proposal.owners_differ

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        counts = selectors.proposals_open_counts()
        title = gettext(
            "Item link proposals: %(open)s waiting, %(owners_differ)s of them two owners "
            "claiming one serial"
        ) % {"open": counts["open"], "owners_differ": counts["owners_differ"]}
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self._may_see(request):
            raise PermissionDenied
        proposal = get_object_or_404(
            ItemLinkProposal.objects.select_related(
                "item__brand", "item__category", "target__brand", "target__category"
            ),
            pk=object_id,
        )
        # An override keeps ModelAdmin's signature; admin_view let only a signed-in member in.
        expert = cast(User, request.user)
        reject = RejectForm(request.POST if "reject" in request.POST else None)
        errors: list[str] = []
        if request.method == "POST":
            try:
                if "confirm" in request.POST:
                    services.item_link_confirm(proposal=proposal, expert=expert)
                    messages.success(
                        request, gettext("Linked: the new case's item is this passport's.")
                    )
                    return redirect("admin:passports_itemlinkproposal_change", proposal.pk)
                if "reject" in request.POST and reject.is_valid():
                    services.item_link_reject(
                        proposal=proposal, expert=expert, note=reject.cleaned_data["note"]
                    )
                    messages.success(
                        request, gettext("Rejected: each item keeps its own passport.")
                    )
                    return redirect("admin:passports_itemlinkproposal_change", proposal.pk)
                errors.append(gettext("Check the form."))
            except (ValidationError, PermissionDenied) as error:
                errors += error_messages(error)
            proposal.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Link proposal: %(item)s")
            % {"item": f"{proposal.item.brand} {proposal.item.category}"},
            "opts": self.model._meta,
            "proposal": proposal,
            "may_decide": proposal.state == ItemLinkProposal.State.PROPOSED
            and expert.has_perm(permissions.REVIEW),
            "reject_form": reject,
            "errors": errors,
            **selectors.proposal_comparison(proposal=proposal),
        }
        return TemplateResponse(
            request,
            "admin/passports/link_proposal.html",
            context,
            status=400 if errors else 200,
        )
