"""Trained classifier versions: which artifact, trained on what, how good, and which is live."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One trained artifact of the pre-screen classifier, registered by ``train_classifier``.

    Exactly one version is active at a time; staff switch it in the admin. The artifact's
    SHA-256 is checked when a worker loads it, so a file swapped on disk is refused.
    """

    name = models.CharField(max_length=80, unique=True)
    artifact_path = models.CharField(max_length=500)
    artifact_sha256 = models.CharField(max_length=64)
    arch = models.CharField(max_length=60)
    image_size = models.PositiveSmallIntegerField()
    slots = models.JSONField(default=list)
    features = models.JSONField(default=list)
    temperature = models.FloatField()
    data_hash = models.CharField(max_length=64)
    config = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, help_text=_("Validation metrics from training."))
    evaluation = models.JSONField(
        default=dict, blank=True, help_text=_("Held-out evaluation from evaluate_classifier.")
    )
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{' (active)' if self.is_active else ''}"
