"""Genuine reference photos staff upload per brand (and optionally model line) and photo slot.

The expert's case page shows the most specific one beside the buyer's photo, and the buyer's
guided capture shows it as the example; a slot without one falls back to its drawn example.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisals.models.catalog import Brand, PhotoSlot, ProductModel


def _reference_photo_path(instance: ReferencePhoto, filename: str) -> str:
    # Random names under a private prefix: the public media route serves only catalog/.
    return f"references/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg"


class ReferencePhoto(models.Model):
    """A photo of a genuine item for one photo slot of a brand, or of one model line.

    The image is re-encoded on upload (metadata-free JPEG), like a buyer's photo.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="reference_photos", verbose_name=_("brand")
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reference_photos",
        verbose_name=_("model"),
        help_text=_("Leave empty for a reference that fits every model of the brand."),
    )
    slot = models.ForeignKey(
        PhotoSlot,
        on_delete=models.CASCADE,
        related_name="reference_photos",
        verbose_name=_("photo slot"),
    )
    image = models.ImageField(_("image"), upload_to=_reference_photo_path)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active references are shown.")
    )

    class Meta:
        ordering = ["brand__name", "slot__category", "slot__position", "-created_at"]
        verbose_name = _("reference photo")
        verbose_name_plural = _("reference photos")
        indexes = [
            models.Index(fields=["slot", "brand", "active"], name="reference_lookup"),
        ]

    def __str__(self) -> str:
        line = self.product_model.name if self.product_model else self.brand.name
        return f"{line}: {self.slot.name}"

    def clean(self) -> None:
        """The model line must be the brand's, and the slot must be of the model's category."""
        model = self.product_model
        if model is not None and self.brand_id:
            if model.brand_id != self.brand_id:
                raise ValidationError({"product_model": _("This model belongs to another brand.")})
            if self.slot_id and model.category_id != self.slot.category_id:
                raise ValidationError(
                    {"slot": _("This photo slot belongs to another category than the model.")}
                )
