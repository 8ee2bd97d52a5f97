"""Admin: staff edit the catalog; staff and experts look at submissions and their photos."""

from __future__ import annotations

from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.html import format_html

from appraisals.models import (
    Brand,
    Category,
    PhotoSlot,
    ProductModel,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
)


class PhotoSlotInline(admin.TabularInline):
    model = PhotoSlot
    extra = 0
    fields = ["position", "code", "name", "instruction", "required", "example_image"]
    ordering = ["position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PhotoSlotInline]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    list_filter = ["categories"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "category", "reference"]
    list_filter = ["category", "brand"]
    search_fields = ["name", "reference", "brand__name"]
    list_select_related = ["brand", "category"]
    autocomplete_fields = ["brand"]


@admin.register(PhotoSlot)
class PhotoSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "code", "required", "position"]
    list_filter = ["category", "required"]
    list_select_related = ["category"]
    ordering = ["category", "position"]


class SubmissionPhotoInline(admin.TabularInline):
    model = SubmissionPhoto
    extra = 0
    can_delete = False
    fields = ["slot", "preview", "quality_ok", "quality_summary", "sha256", "attempts"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="photo")
    def preview(self, photo: SubmissionPhoto) -> str:
        url = reverse("admin:appraisals_submissionphoto_image", args=[photo.pk])
        return format_html('<img src="{}" alt="" style="max-height:120px">', url)

    @admin.display(description="quality")
    def quality_summary(self, photo: SubmissionPhoto) -> str:
        issues = [str(i.get("message", "")) for i in photo.issues]
        return "; ".join(issues) or "passed"


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "message", "round"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "owner", "brand", "category", "tier", "status", "due_at"]
    list_filter = ["status", "tier", "category", "brand"]
    search_fields = ["uid", "owner__email", "serial_code", "brand__name"]
    list_select_related = ["owner", "brand", "category"]
    ordering = ["due_at", "-created_at"]
    readonly_fields = [
        "uid",
        "owner",
        "category",
        "brand",
        "product_model",
        "serial_code",
        "tier",
        "status",
        "round",
        "created_at",
        "submitted_at",
        "due_at",
    ]
    inlines = [SubmissionPhotoInline, SubmissionEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Cases come from buyers and partners, never from the admin.
        return False

    def get_urls(self) -> list[URLPattern | URLResolver]:
        custom = [
            path(
                "photo/<int:photo_id>/image.jpg",
                self.admin_site.admin_view(self.photo_image),
                name="appraisals_submissionphoto_image",
            )
        ]
        return custom + super().get_urls()

    def photo_image(self, request: HttpRequest, photo_id: int) -> FileResponse:
        if not request.user.has_perm("appraisals.view_submissionphoto"):
            raise Http404("No such photo.")
        photo = SubmissionPhoto.objects.filter(pk=photo_id).first()
        if photo is None:
            raise Http404("No such photo.")
        return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
