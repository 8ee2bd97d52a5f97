"""The catalog: categories, brands, model lines and the photo slots each category asks for."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models
from django.utils.translation import gettext_lazy as _

from authplatform.localized import localized_text


class LocalizedNames(models.Model):
    """A catalog row named in English (``name``) and, where staff gave one, in Simplified Chinese.

    ``local_name`` is what a reader sees: the Chinese name while Chinese is active, else the
    English one (also when no Chinese name was given yet). Signed documents keep ``name``.
    """

    name_zh_hans = models.CharField(
        _("name in Simplified Chinese"),
        max_length=120,
        blank=True,
        help_text=_("Shown to readers who chose 简体中文; leave empty to show the English name."),
    )

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        english: str = getattr(self, "name")  # noqa: B009 (each subclass has its own field)
        return localized_text(english, self.name_zh_hans)


class Category(LocalizedNames):
    """A kind of item we authenticate (handbag, watch), with its own photo slots."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    description_zh_hans = models.CharField(
        _("description in Simplified Chinese"), max_length=300, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_description(self) -> str:
        return localized_text(self.description, self.description_zh_hans)


class Brand(LocalizedNames):
    """A maker whose items we can authenticate in one or more categories."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    categories = models.ManyToManyField(Category, related_name="brands")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.local_name


class ProductModel(LocalizedNames):
    """A named model line of a brand in a category, e.g. a specific bag or watch reference."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(max_length=120)
    reference = models.CharField(max_length=60, blank=True)
    # A typical pre-owned value; the pre-screen's routing asks for a second expert above a
    # threshold. Valuation proper is a later capability.
    typical_value_eur = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["brand__name", "name"]
        verbose_name = _("model")
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="unique_model_per_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.brand.local_name} {self.local_name}"


def _slot_example_path(instance: PhotoSlot, filename: str) -> str:
    return f"catalog/slots/{instance.category.slug}-{instance.code}{PurePosixPath(filename).suffix}"


class PhotoSlot(LocalizedNames):
    """One photo a submission of this category asks for, in order, with how to take it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="slots")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    instruction = models.CharField(max_length=300)
    instruction_zh_hans = models.CharField(
        _("instruction in Simplified Chinese"), max_length=300, blank=True
    )
    example_image = models.ImageField(upload_to=_slot_example_path, blank=True)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_slot_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category.local_name}: {self.local_name}"

    @property
    def local_instruction(self) -> str:
        return localized_text(self.instruction, self.instruction_zh_hans)
