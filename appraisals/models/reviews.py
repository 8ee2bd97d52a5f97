"""Expert review: who holds which case, and what each expert found, graded and concluded.

A ``Review`` is one expert's seat on one submission round. The first seat opens when the
pre-screen hands the case over; a second, blind seat opens at the same time when the routing
asks for two experts; a senior seat opens only when the two disagree. Experts claim seats from
the queue (``appraisals.services.reviews.review_take_next``); a claim runs out, so an
abandoned case returns to the queue.

A ``Reappraisal`` is a blind re-examination of a case that someone outside the queue ordered
(a dispute of its report): two more seats, through the same claims.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisals.models.submissions import Submission, SubmissionPhoto


class Feature(models.TextChoices):
    """What an expert examines, one finding each; also the report's radar axes."""

    BRAND_STAMP = "brand_stamp", _("Brand stamp or logo")
    STITCHING = "stitching", _("Stitching")
    HARDWARE = "hardware", _("Hardware")
    SERIAL = "serial", _("Serial or date code")
    MATERIAL = "material", _("Material")
    CONSTRUCTION = "construction", _("Shape and construction")


class FindingResult(models.TextChoices):
    CONSISTENT = "consistent", _("Consistent with authentic")
    INCONSISTENT = "inconsistent", _("Inconsistent with authentic")
    CANNOT_TELL = "cannot_tell", _("Cannot tell")


class Verdict(models.TextChoices):
    """A signed "inconclusive" ends the case with a refund; when more photos could settle it,
    the expert asks for them instead of signing."""

    AUTHENTIC = "authentic", _("Authentic")
    COUNTERFEIT = "counterfeit", _("Counterfeit")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class ConditionGrade(models.TextChoices):
    NEW = "new", _("New")
    EXCELLENT = "excellent", _("Excellent")
    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")


class Reappraisal(models.Model):
    """A blind re-examination of a case, ordered from outside the review queue (today: a
    dispute of its report, ``disputes/``), with the brief its two experts read.

    Its two seats are ``Review`` rows of the case's current round. They go to no expert who
    ever held a seat on the case, and they show no earlier opinion. Whoever ordered it keeps
    its own link to it and hears of each signed seat through ``ReviewSigned``; appraisals knows
    nothing of them beyond what the experts need to read.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="reappraisals"
    )
    # What whoever ordered it calls it (a dispute's ``D-…``), shown to the experts.
    reference = models.CharField(max_length=40)
    # What the experts are asked to look at (the holder's complaint), as the orderer wrote it.
    brief = models.TextField()
    # A page of the ordering app where the experts read more (the complaint's evidence).
    brief_url = models.CharField(max_length=300, blank=True)
    # The queue orders and flags the seats by this clock, not by the case's own.
    due_at = models.DateTimeField()
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"re-appraisal {self.reference} of {self.submission_id}"


class Review(models.Model):
    """One expert seat on one submission round, from the queue to a signed opinion."""

    class Stage(models.TextChoices):
        FIRST = "first", _("First expert")
        SECOND = "second", _("Second expert (blind)")
        SENIOR = "senior", _("Senior expert")

    class State(models.TextChoices):
        OPEN = "open", _("In the queue")
        CLAIMED = "claimed", _("Claimed")
        SIGNED = "signed", _("Signed")
        # Closed unsigned: another seat asked the buyer for more photos, and the next round
        # opens new seats.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=8, choices=Stage.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    verdict_reason = models.TextField(blank=True)
    condition_grade = models.CharField(max_length=10, choices=ConditionGrade.choices, blank=True)
    wear_notes = models.TextField(blank=True)
    repairs = models.TextField(blank=True, help_text=_("Visible repairs; 'none seen' if none."))
    replaced_parts = models.TextField(
        blank=True, help_text=_("Parts replaced; 'none seen' if none.")
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # Set for a seat of a blind re-appraisal (the dispute lane).
    reappraisal = models.ForeignKey(
        Reappraisal, on_delete=models.CASCADE, null=True, blank=True, related_name="seats"
    )

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "round", "stage"],
                condition=Q(reappraisal__isnull=True),
                name="one_review_per_stage_and_round",
            ),
            # Two seats on one case are never the same person: that is what "blind second
            # expert" and "senior decides" mean.
            models.UniqueConstraint(
                fields=["submission", "round", "expert"],
                condition=Q(expert__isnull=False, reappraisal__isnull=True),
                name="one_seat_per_expert_and_round",
            ),
            models.UniqueConstraint(
                fields=["reappraisal", "stage"],
                condition=Q(reappraisal__isnull=False),
                name="one_reappraisal_per_stage",
            ),
            models.UniqueConstraint(
                fields=["reappraisal", "expert"],
                condition=Q(reappraisal__isnull=False, expert__isnull=False),
                name="one_reappraisal_seat_per_expert",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "withdrawn"]) | Q(expert__isnull=False),
                name="claimed_or_signed_review_has_expert",
            ),
            models.CheckConstraint(
                condition=~Q(state="signed")
                | (
                    ~Q(verdict="")
                    & ~Q(condition_grade="")
                    & Q(signed_at__isnull=False)
                    & (~Q(verdict="inconclusive") | ~Q(verdict_reason=""))
                ),
                name="signed_review_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} round {self.round} {self.stage}"

    def claim_is_live(self, *, now: datetime) -> bool:
        return (
            self.state == self.State.CLAIMED
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


class Finding(models.Model):
    """An expert's judgement of one feature, with a reason and optionally a marked region."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    feature = models.CharField(max_length=16, choices=Feature.choices)
    result = models.CharField(max_length=12, choices=FindingResult.choices)
    reason = models.CharField(max_length=300)
    photo = models.ForeignKey(
        SubmissionPhoto, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The marked area of ``photo`` as fractions of its width and height: {x, y, w, h}.
    region = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "feature"], name="one_finding_per_feature"),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(photo__isnull=False),
                name="finding_region_needs_photo",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.feature}: {self.result}"


class PhotoRequest(models.Model):
    """An expert's request for more photos: which slots, and why. Open until the buyer
    submits again."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="photo_requests"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photo_requests")
    round = models.PositiveSmallIntegerField()
    slot_codes = models.JSONField(default=list)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "round"], name="one_photo_request_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} round {self.round}: {', '.join(self.slot_codes)}"
