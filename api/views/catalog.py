"""Partner API v1: the catalog a partner builds its capture screens from."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from rest_framework import generics

from api.models import Scope
from api.serializers.catalog import BrandSerializer, CategorySerializer, ProductModelSerializer
from appraisals.models import Brand, Category, PhotoSlot, ProductModel


class CatalogView(generics.ListAPIView):
    required_scope = Scope.CATALOG_READ


class CategoryList(CatalogView):
    """Categories, each with its photo slots in capture order: what to photograph, how, and
    an example picture."""

    serializer_class = CategorySerializer

    def get_queryset(self) -> QuerySet[Category]:
        slots = PhotoSlot.objects.order_by("position", "id")
        return Category.objects.prefetch_related(Prefetch("slots", queryset=slots)).order_by(
            "position", "id"
        )


class BrandFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="categories__slug")

    class Meta:
        model = Brand
        fields = ["category"]


class BrandList(CatalogView):
    serializer_class = BrandSerializer
    filterset_class = BrandFilter

    def get_queryset(self) -> QuerySet[Brand]:
        return Brand.objects.prefetch_related("categories").order_by("name", "id").distinct()


class ProductModelFilter(django_filters.FilterSet):
    brand = django_filters.CharFilter(field_name="brand__slug")
    category = django_filters.CharFilter(field_name="category__slug")

    class Meta:
        model = ProductModel
        fields = ["brand", "category"]


class ProductModelList(CatalogView):
    serializer_class = ProductModelSerializer
    filterset_class = ProductModelFilter

    def get_queryset(self) -> QuerySet[ProductModel]:
        return ProductModel.objects.select_related("brand", "category").order_by("name", "id")
