from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import ResponseModelSerializer
from appraisals.models import Brand, Category, PhotoSlot, ProductModel


class PhotoSlotSerializer(ResponseModelSerializer):
    example_image_url = serializers.SerializerMethodField()

    class Meta:
        model = PhotoSlot
        fields = ["code", "name", "instruction", "required", "position", "example_image_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_example_image_url(self, slot: PhotoSlot) -> str | None:
        if not slot.example_image:
            return None
        request = self.context.get("request")
        url = slot.example_image.url
        return request.build_absolute_uri(url) if request else url


class CategorySerializer(ResponseModelSerializer):
    slots = PhotoSlotSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "slots"]


class BrandSerializer(ResponseModelSerializer):
    categories: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta:
        model = Brand
        fields = ["slug", "name", "categories"]


class ProductModelSerializer(ResponseModelSerializer):
    brand: serializers.SlugRelatedField[Brand] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = ProductModel
        fields = ["id", "name", "reference", "brand", "category"]
