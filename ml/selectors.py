"""Read-side queries for classifier versions."""

from __future__ import annotations

from django.db.models import QuerySet

from ml.models import ModelVersion


def model_version_active() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).first()


def model_version_list() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.order_by("-created_at", "-id")
