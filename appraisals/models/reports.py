"""The signed report, and what the buyer tells us about it afterwards (CSAT and NPS).

A report is immutable once issued: a correction is a new version whose ``supersedes`` points
at the one it replaces. ``document`` is the canonical document that was signed; the pages and
the PDF are views of it.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appraisals.models.reviews import Verdict
from appraisals.models.submissions import Submission

# The provenance document type of a report (its canonical document's "type").
REPORT_DOCUMENT_TYPE = "authplatform.report"


def _public_token() -> str:
    # 144 random bits: the public page's URL is the only key to it.
    return secrets.token_urlsafe(18)


class ReportImmutable(Exception):
    """Raised on any attempt to change or delete an issued report."""


class Report(models.Model):
    """One issued version of a submission's report, with the signature over its document."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    document = models.JSONField()
    sha256 = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=132)
    signer = models.CharField(max_length=42)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "version"], name="one_report_version"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ReportImmutable("An issued report can't be changed; issue a new version.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ReportImmutable("An issued report can't be deleted.")

    @property
    def reference(self) -> str:
        """The report ID printed on the report, e.g. ``R-3F9C21AB``."""
        return f"R-{self.uid.hex[:8].upper()}"


class ReportFeedback(models.Model):
    """The one-question satisfaction score (CSAT) the owner gives a report, once."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="csat_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.score}"


class NpsResponse(models.Model):
    """A net-promoter answer (0-10); asked at most once per ``NPS_INTERVAL_DAYS``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nps_responses"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="nps_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score}"
