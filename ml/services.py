"""Registering and activating classifier versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ml.models import ModelVersion


def artifact_path_resolve(path: str) -> Path:
    """Artifacts are stored relative to ``ML_MODELS_DIR`` so a data folder can move."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else Path(settings.ML_MODELS_DIR) / candidate


def model_version_register(
    *,
    name: str,
    artifact_path: Path,
    artifact_sha256: str,
    summary: dict[str, Any],
    activate: bool = False,
) -> ModelVersion:
    """Record a trained artifact; ``summary`` is the artifact's sidecar (everything but weights)."""
    models_dir = Path(settings.ML_MODELS_DIR).resolve()
    resolved = artifact_path.resolve()
    stored = (
        str(resolved.relative_to(models_dir))
        if resolved.is_relative_to(models_dir)
        else str(resolved)
    )
    with transaction.atomic():
        version = ModelVersion.objects.create(
            name=name,
            artifact_path=stored,
            artifact_sha256=artifact_sha256,
            arch=str(summary["arch"]),
            image_size=int(summary["image_size"]),
            slots=list(summary["slots"]),
            features=list(summary["features"]),
            temperature=float(summary["temperature"]),
            data_hash=str(summary["data_hash"]),
            config=dict(summary.get("config", {})),
            metrics=dict(summary.get("metrics", {})),
        )
        if activate:
            model_version_activate(version=version)
    return version


def model_version_activate(*, version: ModelVersion) -> ModelVersion:
    """Make ``version`` the one the workers use for every new pre-screen."""
    if not artifact_path_resolve(version.artifact_path).exists():
        raise ValidationError(f"The artifact of {version.name} is missing on this server.")
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        version.is_active = True
        version.activated_at = timezone.now()
        version.save(update_fields=["is_active", "activated_at"])
    return version


def model_version_evaluation_store(
    *, version: ModelVersion, evaluation: dict[str, Any]
) -> ModelVersion:
    with transaction.atomic():
        version.evaluation = evaluation
        version.save(update_fields=["evaluation"])
    return version
