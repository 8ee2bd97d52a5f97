"""Admin: staff and experts look at submissions, their photos and the AI's evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from appraisals.models import (
    PreScreenPhoto,
    Review,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
)
from authplatform.localized import localized_text
from membership.models import Plan


class SubmissionPhotoInline(admin.TabularInline):
    model = SubmissionPhoto
    extra = 0
    can_delete = False
    fields = ("slot", "preview", "quality_ok", "quality_summary", "sha256", "attempts")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo: SubmissionPhoto) -> str:
        url = reverse("admin:appraisals_submissionphoto_image", args=[photo.pk])
        return format_html('<img src="{}" alt="" class="prescreen-thumb">', url)

    @admin.display(description=_("quality"))
    def quality_summary(self, photo: SubmissionPhoto) -> str:
        issues = [str(i.get("message", "")) for i in photo.issues]
        return "; ".join(issues) or "passed"


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "message", "round")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "owner",
        "brand",
        "category",
        "tier",
        "member_badge",
        "status",
        "review_depth",
        "priority",
        "due_at",
    ]
    list_filter = ["status", "tier", "member_plan", "review_depth", "category", "brand"]
    search_fields = ["uid", "owner__email", "serial_code", "brand__name"]
    list_select_related = ["owner", "brand", "category"]
    ordering = ["due_at", "-priority", "-created_at"]
    readonly_fields = [
        "ai_evidence",
        "uid",
        "owner",
        "category",
        "brand",
        "product_model",
        "serial_code",
        "serial_source",
        "tier",
        "member_plan",
        "member_priority",
        "priority",
        "review_depth",
        "status",
        "round",
        "created_at",
        "submitted_at",
        "due_at",
    ]
    fieldsets = [
        ("AI pre-screen", {"fields": ["ai_evidence"]}),
        (
            "Case",
            {"fields": [f for f in readonly_fields if f != "ai_evidence"]},
        ),
    ]
    inlines = [SubmissionPhotoInline, SubmissionEventInline]

    class Media:
        css = {"all": ["css/workstation.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Cases come from buyers and partners, never from the admin.
        return False

    def has_view_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        # A dispute re-appraiser works blind: the case's history (its report, its events)
        # stays hidden from them; their case page shows what they need.
        if (
            obj is not None
            and Review.objects.filter(
                submission=obj, expert=request.user.pk, reappraisal__isnull=False
            ).exists()
        ):
            return False
        return super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        # The member's plan badge, named in both languages in the same query as the list.
        badge = Plan.objects.filter(code=OuterRef("member_plan")).exclude(kind=Plan.Kind.FREE)
        return (
            super()
            .get_queryset(request)
            .annotate(
                badge_name=Subquery(badge.values("name")[:1]),
                badge_name_zh=Subquery(badge.values("name_zh_hans")[:1]),
            )
        )

    @admin.display(description=_("member plan"), ordering="-member_priority")
    def member_badge(self, submission: Submission) -> str:
        name = getattr(submission, "badge_name", None)
        if not name:
            return "—"
        text = localized_text(name, getattr(submission, "badge_name_zh", "") or "")
        return format_html('<span class="ws-badge plan-badge">{}</span>', text)

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "photo/<int:photo_id>/image.jpg",
                self.admin_site.admin_view(self.photo_image),
                name="appraisals_submissionphoto_image",
            ),
            path(
                "heatmap/<int:score_id>/heatmap.jpg",
                self.admin_site.admin_view(self.heatmap_image),
                name="appraisals_prescreenphoto_heatmap",
            ),
        ]
        return custom + super().get_urls()

    def photo_image(self, request: HttpRequest, photo_id: int) -> FileResponse:
        if not request.user.has_perm("appraisals.view_submissionphoto"):
            raise Http404("No such photo.")
        photo = SubmissionPhoto.objects.filter(pk=photo_id).first()
        if photo is None:
            raise Http404("No such photo.")
        return FileResponse(photo.image.open("rb"), content_type="image/jpeg")

    def heatmap_image(self, request: HttpRequest, score_id: int) -> FileResponse:
        if not request.user.has_perm("appraisals.view_submissionphoto"):
            raise Http404("No such heatmap.")
        score = PreScreenPhoto.objects.filter(pk=score_id).first()
        if score is None:
            raise Http404("No such heatmap.")
        return FileResponse(score.heatmap.open("rb"), content_type="image/jpeg")

    @admin.display(description=_("AI pre-screen (latest round)"))
    def ai_evidence(self, submission: Submission) -> SafeString:
        return render_to_string(
            "admin/appraisals/prescreen_evidence.html",
            prescreen_evidence_context(submission, round=None),
        )


def prescreen_evidence_context(submission: Submission, *, round: int | None) -> dict[str, Any]:
    """The AI's evidence on a case (a given round, or the latest) for the admin templates."""
    prescreens = submission.prescreens.select_related("model_version").order_by("-round")
    prescreen = (prescreens.filter(round=round) if round is not None else prescreens).first()
    rows = []
    if prescreen is not None:
        scores = prescreen.photos.select_related("photo__slot").order_by("photo__slot__position")
        for score in scores:
            rows.append(
                {
                    "score": score,
                    "photo_url": reverse(
                        "admin:appraisals_submissionphoto_image", args=[score.photo_id]
                    ),
                    "heatmap_url": reverse(
                        "admin:appraisals_prescreenphoto_heatmap", args=[score.pk]
                    ),
                    "features": sorted(score.feature_scores.items(), key=lambda kv: -kv[1]),
                }
            )
    return {"prescreen": prescreen, "rows": rows, "submission": submission}
