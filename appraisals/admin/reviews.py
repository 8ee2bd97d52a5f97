"""Admin: the expert review queue, "take next", and the case page where an expert signs.

The Review model's changelist *is* the queue page. Only users with the expert permission
see it; every write goes through ``appraisals.services.reviews``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisals.admin.submissions import prescreen_evidence_context
from appraisals.forms import ConditionForm, FindingForm, PhotoRequestForm, SignForm
from appraisals.models import Feature, Review
from appraisals.selectors.references import reference_photos_for_slots, slot_reference
from appraisals.selectors.reviews import (
    review_get_for_expert,
    review_others_visible,
    review_queue,
    reviews_held_by,
)
from appraisals.services import reviews as review_services
from appraisals.services.reviews import REVIEW_PERMISSION, SENIOR_PERMISSION
from authplatform.errors import error_messages
from authplatform.localized import localized_text
from members.http import AuthenticatedHttpRequest
from members.models import User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from appraisals.selectors.reviews import QueueAnnotations


def _is_expert(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.has_perm(REVIEW_PERMISSION))


@dataclass(frozen=True)
class _QueueRow:
    """A seat of the queue as the queue page shows it."""

    seat: WithAnnotations[Review, QueueAnnotations]
    time_left: timedelta | None
    overdue: bool
    claim_live: bool
    mine: bool
    badge: str  # the member's plan (Diamond, Black card, a pass), or empty

    @classmethod
    def of(
        cls, seat: WithAnnotations[Review, QueueAnnotations], *, now: datetime, expert: User
    ) -> _QueueRow:
        time_left = seat.due - now if seat.due else None
        claim_live = seat.claim_is_live(now=now)
        return cls(
            seat=seat,
            time_left=time_left,
            overdue=time_left is not None and time_left.total_seconds() < 0,
            claim_live=claim_live,
            mine=seat.expert_id == expert.pk and claim_live,
            badge=(
                localized_text(seat.badge_name, seat.badge_name_zh or "") if seat.badge_name else ""
            ),
        )


@dataclass(frozen=True)
class _Problem:
    """One line of the case page's error summary: what is wrong, and the fields it is about
    (their labels and ids, so the line links to each)."""

    text: str
    section: str = ""
    fields: tuple[tuple[str, str], ...] = ()


def _form_problems(section: str, form: Form) -> list[_Problem]:
    """A form's errors for the summary: one line per message, naming every field it is about
    (the fields themselves are marked by Django: aria-invalid, and aria-describedby pointing at
    their own error text)."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for name, messages_ in form.errors.items():
        for message in messages_:
            fields = lines.setdefault(str(message), [])
            if name != "__all__":
                bound = form[name]
                fields.append((str(bound.label), bound.auto_id))
    return [
        _Problem(text=message, section=section, fields=tuple(fields))
        for message, fields in lines.items()
    ]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The queue (changelist) and the case page (a custom view per seat)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_expert(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return _is_expert(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("take-next/", view(self.take_next), name="appraisals_review_take_next"),
            path("<int:review_id>/case/", view(self.case_view), name="appraisals_review_case"),
            path(
                "<int:review_id>/request-photos/",
                view(self.request_photos),
                name="appraisals_review_request_photos",
            ),
            path(
                "<int:review_id>/release/",
                view(self.release),
                name="appraisals_review_release",
            ),
            *super().get_urls(),
        ]

    def _require_expert(self, request: HttpRequest) -> None:
        if not _is_expert(request):
            raise PermissionDenied("Only experts can work the review queue.")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        self._require_expert(request)
        # An override keeps ModelAdmin's signature; admin_view let only a signed-in member in.
        expert = cast(User, request.user)
        now = timezone.now()
        rows = [_QueueRow.of(seat, now=now, expert=expert) for seat in review_queue()]
        may_senior = expert.has_perm(SENIOR_PERMISSION)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review queue"),
            "opts": self.model._meta,
            "rows": rows,
            "held": list(reviews_held_by(expert=expert)),
            "may_senior": may_senior,
            "now": now,
            "claim_minutes": settings.REVIEW_CLAIM_MINUTES,
        }
        return TemplateResponse(request, "admin/appraisals/review_queue.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return redirect("admin:appraisals_review_case", review_id=object_id)

    def take_next(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._require_expert(request)
        seat = review_services.review_take_next(expert=request.user)
        if seat is None:
            messages.info(request, _("The queue is empty: no case is waiting for you."))
            return redirect("admin:appraisals_review_changelist")
        return redirect("admin:appraisals_review_case", review_id=seat.pk)

    def _case_context(
        self, request: HttpRequest, seat: Review, forms: dict[str, Any]
    ) -> dict[str, Any]:
        submission = seat.submission
        now = timezone.now()
        evidence = prescreen_evidence_context(submission, round=seat.round)
        heatmaps = {row["score"].photo_id: row["heatmap_url"] for row in evidence["rows"]}
        scores = {row["score"].photo_id: row["score"].probability for row in evidence["rows"]}
        evidence["rows"] = [
            {**row, "features": [(_feature_name(n), v) for n, v in row["features"]]}
            for row in evidence["rows"]
        ]
        regions: dict[int, list[dict[str, Any]]] = {}
        for finding in seat.findings.all():
            if finding.photo_id and finding.region:
                regions.setdefault(finding.photo_id, []).append(
                    {
                        "feature": finding.get_feature_display(),
                        "code": finding.feature,
                        **finding.region,
                    }
                )
        photos = list(submission.photos.select_related("slot").order_by("slot__position"))
        references = reference_photos_for_slots(
            slots=[photo.slot for photo in photos],
            brand=submission.brand_id,
            product_model=submission.product_model,
        )
        panels = [
            {
                "photo": photo,
                "photo_url": reverse("admin:appraisals_submissionphoto_image", args=[photo.pk]),
                "heatmap_url": heatmaps.get(photo.pk),
                "score": scores.get(photo.pk),
                "reference": slot_reference(slot=photo.slot, photo=references.get(photo.slot_id)),
                "regions": regions.get(photo.pk, []),
            }
            for photo in photos
        ]
        return {
            **self.admin_site.each_context(request),
            "title": _("Case %(reference)s") % {"reference": submission.reference},
            "opts": self.model._meta,
            "seat": seat,
            "submission": submission,
            "claim_live": seat.expert_id == request.user.pk and seat.claim_is_live(now=now),
            "others": review_others_visible(review=seat),
            "reappraisal": seat.reappraisal,
            "panels": panels,
            "blockers": review_services.review_sign_blockers(seat)
            if seat.state == Review.State.CLAIMED
            else [],
            **evidence,
            **forms,
        }

    def _forms(self, seat: Review, data: Any = None) -> dict[str, Any]:
        photos = seat.submission.photos.select_related("slot").order_by("slot__position")
        existing = {f.feature: f for f in seat.findings.all()}
        finding_forms = []
        for feature in Feature:
            finding = existing.get(feature.value)
            initial = {}
            if finding is not None:
                initial = {
                    "result": finding.result,
                    "reason": finding.reason,
                    "photo": finding.photo_id,
                    **{f"region_{k}": v for k, v in (finding.region or {}).items()},
                }
            form = FindingForm(data, feature=feature, photos=photos, initial=initial)
            finding_forms.append(form)
        condition = ConditionForm(
            data,
            prefix="condition",
            initial={
                "grade": seat.condition_grade,
                "wear_notes": seat.wear_notes,
                "repairs": seat.repairs,
                "replaced_parts": seat.replaced_parts,
            },
        )
        slot_choices = [(s.code, s.name) for s in seat.submission.category.slots.all()]
        return {
            "finding_forms": finding_forms,
            "condition_form": condition,
            "sign_form": SignForm(data if data and "sign" in data else None, prefix="sign"),
            "photo_request_form": PhotoRequestForm(prefix="more", slot_choices=slot_choices),
        }

    def case_view(self, request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
        self._require_expert(request)
        seat = review_get_for_expert(review_id=review_id, expert=request.user)
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/appraisals/review_case.html",
                self._case_context(request, seat, self._forms(seat)),
            )
        forms = self._forms(seat, request.POST)
        errors = self._save_work(request, seat, forms)
        if not errors and "sign" in request.POST:
            errors = self._sign(request, seat, forms["sign_form"])
            if not errors:
                messages.success(
                    request, _("Signed %(reference)s.") % {"reference": seat.submission.reference}
                )
                return redirect("admin:appraisals_review_changelist")
        if errors:
            seat = review_get_for_expert(review_id=review_id, expert=request.user)
            context = self._case_context(request, seat, forms)
            context["errors"] = errors
            return TemplateResponse(
                request, "admin/appraisals/review_case.html", context, status=400
            )
        messages.success(request, _("Saved."))
        return redirect("admin:appraisals_review_case", review_id=seat.pk)

    def _save_work(
        self, request: AuthenticatedHttpRequest, seat: Review, forms: dict[str, Any]
    ) -> list[_Problem]:
        """Save every finding and the condition that were filled in; valid ones are kept even
        when another is wrong, so no work is lost. What is wrong is put on the forms' fields,
        and summed up once per message, naming its fields."""
        problems: list[_Problem] = []
        try:
            for form in forms["finding_forms"]:
                if not form.is_valid() or not form.filled:
                    continue
                try:
                    region = form.region()
                except ValidationError as error:
                    for key in "xywh":
                        if form.cleaned_data.get(f"region_{key}") is None:
                            form.add_error(f"region_{key}", error)
                    continue
                try:
                    review_services.finding_save(
                        review=seat,
                        expert=request.user,
                        feature=form.feature.value,
                        result=form.cleaned_data["result"],
                        reason=form.cleaned_data["reason"],
                        photo=form.cleaned_data["photo"],
                        region=region,
                    )
                except ValidationError as error:
                    _errors_onto(form, error, {"region": "region_x"})
            condition = forms["condition_form"]
            if condition.is_valid() and any(condition.cleaned_data.values()):
                try:
                    review_services.review_condition_save(
                        review=seat,
                        expert=request.user,
                        grade=condition.cleaned_data["grade"],
                        wear_notes=condition.cleaned_data["wear_notes"],
                        repairs=condition.cleaned_data["repairs"],
                        replaced_parts=condition.cleaned_data["replaced_parts"],
                    )
                except ValidationError as error:
                    _errors_onto(condition, error, {})
        except review_services.ClaimLost as error:
            problems.append(_Problem(text=str(error)))
        for form in forms["finding_forms"]:
            problems += _form_problems(str(form.feature.label), form)
        problems += _form_problems(_("Condition"), forms["condition_form"])
        return problems

    def _sign(
        self, request: AuthenticatedHttpRequest, seat: Review, form: SignForm
    ) -> list[_Problem]:
        if not form.is_valid():
            return _form_problems(_("Verdict"), form)
        try:
            review_services.review_sign(
                review=seat,
                expert=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["verdict_reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _errors_onto(form, error, {})
                return _form_problems(_("Verdict"), form)
            return [_Problem(text=m) for m in error.messages]
        except review_services.ClaimLost as error:
            return [_Problem(text=str(error))]
        return []

    def request_photos(self, request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._require_expert(request)
        seat = review_get_for_expert(review_id=review_id, expert=request.user)
        slot_choices = [(s.code, s.name) for s in seat.submission.category.slots.all()]
        form = PhotoRequestForm(request.POST, prefix="more", slot_choices=slot_choices)
        errors = [
            _Problem(text=_("Tick at least one photo slot and write a message to the buyer."))
        ]
        if form.is_valid():
            try:
                review_services.review_request_photos(
                    review=seat,
                    expert=request.user,
                    slot_codes=form.cleaned_data["slots"],
                    message=form.cleaned_data["message"],
                )
                errors = []
            except (ValidationError, review_services.ClaimLost) as error:
                errors = [_Problem(text=m) for m in error_messages(error)]
        if errors:
            context = self._case_context(request, seat, self._forms(seat))
            context["photo_request_form"] = form
            context["errors"] = errors
            return TemplateResponse(
                request, "admin/appraisals/review_case.html", context, status=400
            )
        messages.success(
            request,
            _("The buyer of %(reference)s was asked for photos.")
            % {"reference": seat.submission.reference},
        )
        return redirect("admin:appraisals_review_changelist")

    def release(self, request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._require_expert(request)
        seat = review_get_for_expert(review_id=review_id, expert=request.user)
        try:
            review_services.review_release(review=seat, expert=request.user)
        except review_services.ClaimLost as error:
            messages.error(request, str(error))
        else:
            messages.info(
                request,
                _("%(reference)s is back in the queue.") % {"reference": seat.submission.reference},
            )
        return redirect("admin:appraisals_review_changelist")


def _feature_name(code: str) -> str:
    """A model's per-feature score by the name the expert knows it by: the finding's label
    where the model scores one of the findings' features, else its code made readable."""
    if code in Feature.values:
        return str(Feature(code).label)
    return code.replace("_", " ").capitalize()


def _errors_onto(form: Form, error: ValidationError, fields: dict[str, str]) -> None:
    """Put a service's refusal on the form: each message on the field it names (``fields``
    maps a service's name to the form's where they differ), the rest on the whole form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = fields.get(name, name)
        form.add_error(field if field in form.fields else None, errors)
