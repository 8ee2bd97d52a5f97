"""Admin: staff upload and manage genuine reference photos per brand, model line and slot.

Uploads are decoded and re-encoded like a buyer's photo (``appraisals.uploads``): a file that
is not an image gets a form error. The images are served by ``appraisals.views.references`` to
any signed-in member (buyers see them as examples), never from a public media path.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appraisals.models import ReferencePhoto
from appraisals.selectors.references import reference_url
from appraisals.services.references import (
    reference_image_sanitize,
    reference_photo_delete,
    reference_photo_save,
    reference_photos_deactivate,
)
from appraisals.uploads import PhotoRejected, SanitizedPhoto
from members.http import AuthenticatedHttpRequest


class ReferencePhotoForm(forms.ModelForm):
    """The upload form; ``sanitized`` holds the re-encoded image of a new upload."""

    image = forms.FileField(
        label=_("Image"),
        help_text=_(
            "A photo of a genuine item: JPEG, PNG, WebP or HEIC. It is re-encoded and "
            "its metadata removed."
        ),  # fmt: skip
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic"}
        ),
    )

    class Meta:
        model = ReferencePhoto
        fields = ["brand", "product_model", "slot", "image", "caption", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sanitized: SanitizedPhoto | None = None

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload  # the stored image, unchanged
        try:
            self.sanitized = reference_image_sanitize(data=upload.read())
        except PhotoRejected as rejected:
            raise forms.ValidationError(rejected.message, code=rejected.code) from None
        return upload


@admin.register(ReferencePhoto)
class ReferencePhotoAdmin(admin.ModelAdmin):
    form = ReferencePhotoForm
    list_display = [
        "thumbnail", "brand", "product_model", "slot", "caption", "active", "uploaded_by",
        "created_at",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "slot"]
    list_filter = ["active", "slot__category", "brand"]
    list_select_related = ["brand", "product_model", "slot__category", "uploaded_by"]
    search_fields = ["caption", "brand__name", "product_model__name", "slot__name"]
    readonly_fields = ["preview", "uploaded_by", "created_at"]
    fields = ["brand", "product_model", "slot", "image", "preview", "caption", "active",
              "uploaded_by", "created_at"]  # fmt: skip
    actions = ["deactivate"]

    class Media:
        css = {"all": ["css/workstation.css"]}

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # A refused upload is the form again with its error, answered as the client's error.
        if request.method == "POST" and isinstance(response, TemplateResponse):
            adminform = (response.context_data or {}).get("adminform")
            if adminform is not None and adminform.form.errors:
                response.status_code = 400
        return response

    @admin.display(description=_("Photo"))
    def thumbnail(self, reference: ReferencePhoto) -> str:
        return format_html(
            '<img src="{}" alt="" class="reference-thumb" loading="lazy">', reference_url(reference)
        )

    @admin.display(description=_("Current image"))
    def preview(self, reference: ReferencePhoto) -> str:
        if not reference.pk or not reference.image:
            return "—"
        return format_html(
            '<a href="{0}"><img src="{0}" alt="" class="reference-preview"></a>',
            reference_url(reference),
        )

    def save_model(
        self,
        request: AuthenticatedHttpRequest,  # type: ignore[override]
        obj: ReferencePhoto,
        form: ReferencePhotoForm,
        change: bool,
    ) -> None:
        reference_photo_save(reference=obj, uploaded_by=request.user, image=form.sanitized)

    def delete_model(self, request: HttpRequest, obj: ReferencePhoto) -> None:
        reference_photo_delete(reference=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ReferencePhoto]) -> None:
        for reference in queryset:
            reference_photo_delete(reference=reference)

    @admin.action(description=_("Deactivate the selected reference photos"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ReferencePhoto]) -> None:
        reference_photos_deactivate(references=queryset)
