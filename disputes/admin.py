"""Admin: the disputes list (SLA timers, filters, lanes), triage by staff, the panel's votes,
dispute evidence, the re-appraisers' brief, and the compensation ledger. Every write goes
through ``disputes.services``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from appraisals.selectors.reviews import reappraisal_seated, reappraisal_seats
from authplatform.admin_readonly import ReadOnlyModelAdmin
from authplatform.errors import error_messages
from disputes import permissions, services
from disputes.forms import PhotoRequestForm, TriageForm, VoteForm
from disputes.models import Compensation, Dispute, DisputeEvidence
from disputes.selectors import dispute_photo_requests
from members.http import AuthenticatedHttpRequest
from members.models import User

TRIAGE = permissions.TRIAGE
ARBITRATE = permissions.ARBITRATE


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyModelAdmin):
    list_display = ["reference", "report", "reason", "state", "outcome", "time_left", "opened_at"]
    list_filter = ["state", "outcome", "reason"]
    search_fields = ["uid", "report__uid"]
    list_select_related = ["report"]

    def _may_see(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (user.has_perm(permissions.VIEW) or user.has_perm(ARBITRATE))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_see(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_see(request)

    @admin.display(description=gettext_lazy("SLA"))
    def time_left(self, dispute: Dispute) -> str:
        if dispute.resolved_at:
            return f"resolved in {dispute.resolved_at - dispute.opened_at}".split(".")[0]
        left = dispute.due_at - timezone.now()
        if left.total_seconds() < 0:
            return format_html('<strong style="color:#ba2121">overdue by {}</strong>',
                               str(-left).split(".")[0])  # fmt: skip
        return str(left).split(".")[0]

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:dispute_id>/evidence/<int:evidence_id>/",
                view(self.evidence_file),
                name="disputes_dispute_evidence",
            ),
            path("<int:dispute_id>/brief/", view(self.brief), name="disputes_dispute_brief"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self._may_see(request):
            raise PermissionDenied
        dispute = get_object_or_404(Dispute.objects.select_related(
            "report__submission__brand", "report__submission__category"
        ),
                                    pk=object_id)  # fmt: skip
        # An override keeps ModelAdmin's signature; admin_view let only a signed-in member in.
        user = cast(User, request.user)
        triage = TriageForm(request.POST if "triage" in request.POST else None,
                            report=dispute.report)  # fmt: skip
        vote = VoteForm(request.POST if "vote" in request.POST else None)
        errors: list[str] = []
        if request.method == "POST":
            try:
                if "triage" in request.POST and triage.is_valid():
                    decided = triage.cleaned_data
                    services.dispute_triage(
                        dispute=dispute,
                        staff=user,
                        decision=decided["decision"],
                        reason=decided["reason"],
                        changes=decided["changes"],
                    )
                    messages.success(
                        request, _("%(reference)s: triaged.") % {"reference": dispute.reference}
                    )
                    return redirect("admin:disputes_dispute_change", dispute.pk)
                if "vote" in request.POST and vote.is_valid():
                    services.panel_vote(dispute=dispute, arbitrator=user, **vote.cleaned_data)
                    messages.success(
                        request,
                        _("%(reference)s: your vote is recorded.")
                        % {"reference": dispute.reference},
                    )
                    return redirect("admin:disputes_dispute_change", dispute.pk)
                errors += _form_problems(triage if "triage" in request.POST else vote)
            except (ValidationError, PermissionDenied) as error:
                errors += error_messages(error)
                if "triage" in request.POST and isinstance(error, ValidationError):
                    _fields_flag(triage, error)
        may_triage = dispute.state == Dispute.State.TRIAGE and user.has_perm(TRIAGE)
        may_vote = dispute.state == Dispute.State.PANEL and not services.panel_seat_blockers(
            dispute=dispute, arbitrator=user
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dispute {dispute.reference}",
            "opts": self.model._meta,
            "dispute": dispute,
            "report": dispute.report,
            "evidence": list(dispute.evidence.order_by("uploaded_at")),
            # The panel and staff see the opinions; re-appraisers never reach this page.
            "reappraisals": list(reappraisal_seats(reappraisal=dispute.reappraisal_id))
            if dispute.reappraisal_id
            else [],
            "votes": list(dispute.votes.select_related("arbitrator")),
            "photo_requests": list(dispute_photo_requests(dispute=dispute)),
            "triage_form": triage if may_triage else None,
            "vote_form": vote if may_vote else None,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/disputes/dispute_case.html", context,
                                status=400 if errors else 200)  # fmt: skip

    def _may_brief(self, request: AuthenticatedHttpRequest, dispute: Dispute) -> bool:
        """Staff and the panel, and the two re-appraisers (blind: the brief shows no report)."""
        return self._may_see(request) or (
            dispute.reappraisal_id is not None
            and reappraisal_seated(reappraisal=dispute.reappraisal_id, user=request.user)
        )

    def brief(self, request: AuthenticatedHttpRequest, dispute_id: int) -> HttpResponse:
        """What a re-appraiser reads (linked from their case page): the complaint and its
        evidence, and nothing of the report, its verdict or the other opinions. A re-appraiser
        may ask the holder for more photos here; they come back to this page."""
        dispute = get_object_or_404(Dispute, pk=dispute_id)
        if not self._may_brief(request, dispute):
            raise Http404("No such dispute.")
        may_ask = (
            dispute.state == Dispute.State.REAPPRAISAL
            and dispute.reappraisal_id is not None
            and reappraisal_seated(reappraisal=dispute.reappraisal_id, user=request.user)
        )
        ask = PhotoRequestForm(request.POST if request.method == "POST" else None)
        errors: list[str] = []
        if request.method == "POST":
            if not may_ask:
                raise PermissionDenied(_("Only this dispute's re-appraisers can ask for photos."))
            if ask.is_valid():
                try:
                    services.dispute_photos_request(
                        dispute=dispute, expert=request.user, message=ask.cleaned_data["message"]
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors = error_messages(error)
                else:
                    messages.success(
                        request,
                        _("%(reference)s: the holder is asked for more photos.")
                        % {"reference": dispute.reference},
                    )
                    return redirect("admin:disputes_dispute_brief", dispute.pk)
            else:
                errors = _form_problems(ask)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dispute %(reference)s: the holder's complaint")
            % {"reference": dispute.reference},
            "dispute": dispute,
            "evidence": list(dispute.evidence.order_by("uploaded_at")),
            "photo_requests": list(dispute_photo_requests(dispute=dispute)),
            "ask_form": ask if may_ask else None,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/disputes/dispute_brief.html", context,
                                status=400 if errors else 200)  # fmt: skip

    def evidence_file(
        self, request: AuthenticatedHttpRequest, dispute_id: int, evidence_id: int
    ) -> FileResponse:
        evidence = get_object_or_404(
            DisputeEvidence.objects.select_related("dispute"), pk=evidence_id, dispute_id=dispute_id
        )
        if not self._may_brief(request, evidence.dispute):
            raise Http404("No such file.")
        response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
        response["Content-Disposition"] = "inline"
        return response


def _form_problems(form: forms.Form) -> list[str]:
    """A form's errors as sentences that name their field ("Brand: …")."""
    problems: list[str] = []
    for name, field_errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in field_errors:
            named = not label or str(message).startswith(f"{label}:")
            problems.append(str(message) if named else f"{label}: {message}")
    return problems or [str(_("Check the form."))]


def _fields_flag(form: TriageForm, error: ValidationError) -> None:
    """A service's refusal of a field (say ``verdict``) shown beside the form's field for it."""
    sections = {"item": "item_brand", "verdict": "verdict_result", "condition": "condition_grade"}
    if not hasattr(error, "error_dict"):
        return
    for key, problems in error.message_dict.items():
        name = sections.get(key, key)
        if name in form.fields and name not in form.errors:
            form.errors[name] = form.error_class(problems)


@admin.register(Compensation)
class CompensationAdmin(ReadOnlyModelAdmin):
    list_display = ["dispute", "beneficiary", "amount_eur", "basis", "status", "created_at"]
    list_filter = ["status"]
    actions = ["approve", "mark_paid", "export_ledger"]

    @admin.action(description=gettext_lazy("Approve the selected compensation"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Compensation]) -> None:
        self._each(
            request,
            queryset,
            services.compensation_approve,
            lambda count: ngettext(
                "%(count)d compensation record approved.",
                "%(count)d compensation records approved.",
                count,
            ),
        )

    @admin.action(description=gettext_lazy("Record the selected compensation as paid"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Compensation]) -> None:
        self._each(
            request,
            queryset,
            services.compensation_mark_paid,
            lambda count: ngettext(
                "%(count)d compensation record recorded as paid.",
                "%(count)d compensation records recorded as paid.",
                count,
            ),
        )

    def _each(self, request: HttpRequest, queryset: QuerySet[Compensation], action: Any,
              done: Callable[[int], str]) -> None:  # fmt: skip
        count = 0
        for compensation in queryset:
            try:
                action(compensation=compensation, staff=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{compensation}: {' '.join(error_messages(error))}")
        if count:
            messages.success(request, done(count) % {"count": count})

    @admin.action(description=gettext_lazy("Export the selected as CSV (the ledger)"))
    def export_ledger(self, request: HttpRequest, queryset: QuerySet[Compensation]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="compensation-ledger.csv"'
        writer = csv.writer(response)
        writer.writerow(["dispute", "report", "beneficiary", "amount_eur", "basis", "status",
                         "created_at", "approved_at", "paid_at"])  # fmt: skip
        for row in queryset.select_related("dispute__report", "beneficiary").order_by("created_at"):
            writer.writerow([
                row.dispute.reference, row.dispute.report.reference, row.beneficiary.email,
                row.amount_eur, row.basis, row.status, row.created_at.isoformat(),
                row.approved_at.isoformat() if row.approved_at else "",
                row.paid_at.isoformat() if row.paid_at else "",
            ])  # fmt: skip
        return response
