"""The catalog: categories, brands, model lines and the photo slots each category asks for."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models


class Category(models.Model):
    """A kind of item we authenticate (handbag, watch), with its own photo slots."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    """A maker whose items we can authenticate in one or more categories."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    categories = models.ManyToManyField(Category, related_name="brands")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
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
        verbose_name = "model"
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="unique_model_per_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


def _slot_example_path(instance: PhotoSlot, filename: str) -> str:
    return f"catalog/slots/{instance.category.slug}-{instance.code}{PurePosixPath(filename).suffix}"


class PhotoSlot(models.Model):
    """One photo a submission of this category asks for, in order, with how to take it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="slots")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    instruction = models.CharField(max_length=300)
    example_image = models.ImageField(upload_to=_slot_example_path, blank=True)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_slot_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.name}"
