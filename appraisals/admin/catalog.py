"""Admin: staff edit the catalog (categories with their photo slots, brands, models), each name
in English and in Simplified Chinese."""

from __future__ import annotations

from django.contrib import admin

from appraisals.models import Brand, Category, PhotoSlot, ProductModel


class PhotoSlotInline(admin.TabularInline):
    model = PhotoSlot
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "name_zh_hans",
        "instruction",
        "instruction_zh_hans",
        "required",
        "example_image",
    ]
    ordering = ["position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PhotoSlotInline]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "slug"]
    list_filter = ["categories"]
    search_fields = ["name", "name_zh_hans"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "brand", "category", "reference"]
    list_filter = ["category", "brand"]
    search_fields = ["name", "name_zh_hans", "reference", "brand__name"]
    list_select_related = ["brand", "category"]
    autocomplete_fields = ["brand"]


@admin.register(PhotoSlot)
class PhotoSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "category", "code", "required", "position"]
    list_filter = ["category", "required"]
    list_select_related = ["category"]
    ordering = ["category", "position"]
