"""The AI pre-screen's record of a submission round: evidence for the experts, never a verdict."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisals.models.submissions import Submission, SubmissionPhoto


class Band(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class PreScreen(models.Model):
    """The AI pre-screen of one submission round: scores, serial reading and routing.

    It is evidence for the experts, never a verdict: the buyer sees none of it.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="prescreens")
    round = models.PositiveSmallIntegerField()
    model_version = models.ForeignKey(
        "ml.ModelVersion", on_delete=models.PROTECT, related_name="prescreens"
    )
    probability = models.FloatField(
        null=True, blank=True, help_text=_("Calibrated probability that the item is counterfeit.")
    )
    band = models.CharField(max_length=8, choices=Band.choices)
    serial_read = models.CharField(max_length=60, blank=True)
    serial_confidence = models.FloatField(default=0.0)
    serial_match = models.CharField(max_length=16, blank=True)
    serial_check = models.JSONField(default=dict, blank=True)
    review_depth = models.CharField(max_length=8)
    priority = models.IntegerField(default=0)
    reasons = models.JSONField(default=list)
    retakes = models.JSONField(default=list, blank=True)
    seconds = models.FloatField(default=0.0, help_text=_("Time to compute, in seconds."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "round"], name="one_prescreen_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} round {self.round}"


class PreScreenPhoto(models.Model):
    """The classifier's reading of one photo: probability, per-feature scores, heatmap."""

    prescreen = models.ForeignKey(PreScreen, on_delete=models.CASCADE, related_name="photos")
    photo = models.ForeignKey(SubmissionPhoto, on_delete=models.CASCADE, related_name="scores")
    probability = models.FloatField()
    feature_scores = models.JSONField(default=dict)
    # Written by the pre-screen service under a random name before the row is created.
    heatmap = models.FileField()

    class Meta:
        ordering = ["photo__slot__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prescreen", "photo"], name="one_score_per_photo"),
        ]

    def __str__(self) -> str:
        return f"{self.prescreen_id} {self.photo_id}"
