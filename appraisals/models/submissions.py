"""What a buyer sends: the submission, its photos and its timeline."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraisals.models.catalog import Brand, Category, PhotoSlot, ProductModel


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard (24 h)")
    PRIORITY = "priority", _("Priority (12 h)")
    EXPRESS = "express", _("Express (2 h)")


TIER_TURNAROUND = {
    Tier.STANDARD: timedelta(hours=24),
    Tier.PRIORITY: timedelta(hours=12),
    Tier.EXPRESS: timedelta(hours=2),
}


def serial_normalise(serial: str) -> str:
    """Upper case, without spaces, dashes, dots or slashes: how the same code is typed."""
    return "".join(ch for ch in serial.upper() if ch.isalnum())


def serial_mask(serial: str) -> str:
    """What public pages show of a serial: its last 3 characters, enough to match the tag in
    hand, not to copy it onto another case. Empty for no serial."""
    compact = serial_normalise(serial)
    if not compact:
        return ""
    return "•" * max(0, len(compact) - 3) + compact[-3:]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Checking photos")
    NEEDS_RETAKE = "needs_retake", _("Retake needed")
    QUEUED = "queued", _("Queued for AI pre-screen")
    AWAITING_EXPERT = "awaiting_expert", _("With an expert")
    COMPLETED = "completed", _("Report issued")
    # The owner withdrew it before an expert took it; its quota is restored, its fee refunded.
    CANCELLED = "cancelled", _("Cancelled")


class Submission(models.Model):
    """What a buyer sends for authentication: the item, its photos, serial code and tier.

    It starts as a draft saved after each wizard step. Submitting hands it to the photo
    re-check, which moves it to ``queued`` or back to the buyer as ``needs_retake``.
    """

    # Public identifier used in URLs, so sequential ids never reveal volumes.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    serial_code = models.CharField(max_length=40, blank=True)
    # Who holds the case's report, and with it the right to dispute it and the guarantee, when
    # that is no longer the submitter: set only when an accepted transfer of the item passes it
    # on (passports), never from another report's item. Null: the submitter holds it.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_submissions",
    )
    # What the buyer says the item is worth: above ``ROUTING_HIGH_VALUE_EUR`` a second expert
    # reviews it, and the guarantee is capped by it.
    declared_value_eur = models.PositiveIntegerField(null=True, blank=True)
    # The price quoted when the buyer first submitted (appraisals/pricing.py), in euro cents:
    # what the buyer agreed to, kept when prices change later.
    price_cents = models.PositiveIntegerField(null=True, blank=True)
    serial_source = models.CharField(
        max_length=8,
        blank=True,
        choices=[("buyer", _("Typed by the buyer")), ("ocr", _("Read from the photo"))],
    )
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the report was issued, and when the case first ran past ``due_at`` (recorded by
    # the SLA beat task, or at issue): the on-time rate and mean appraisal time come from
    # these.
    completed_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # The owner may choose to show their name on the public report page; by default it
    # shows none.
    show_owner_name = models.BooleanField(default=False)
    # Set by the pre-screen's routing: higher is sooner; "double" asks for a second blind
    # expert. See appraisals/routing.py.
    priority = models.IntegerField(default=0)
    review_depth = models.CharField(
        max_length=8,
        blank=True,
        choices=[("single", _("One expert")), ("double", _("Two experts"))],
    )
    # A partner's own reference for the item (their listing or order id), for filtering.
    external_reference = models.CharField(max_length=100, blank=True, db_index=True)
    # Made with a sandbox API key: processed automatically (the AI runs, a bot expert signs
    # ``sandbox_outcome``), its report says SANDBOX and is never anchored. See docs/api.md.
    sandbox = models.BooleanField(default=False, db_index=True)
    sandbox_outcome = models.CharField(max_length=12, blank=True)
    # How many times the buyer has submitted; the photo re-check task is keyed on it so a
    # duplicate delivery of an old round's task does nothing.
    round = models.PositiveSmallIntegerField(default=0)
    # The member's standing when they first submitted (membership): the code of their best
    # plan, shown to the expert as a badge, and the plans' review priority, which orders the
    # queue. Blank and 0 for members without a plan, partners and sandbox cases.
    member_plan = models.CharField(max_length=40, blank=True)
    member_priority = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_submission", "Can work cases in the expert review queue"),
            ("arbitrate_submission", "Can settle disagreements between experts"),
        ]
        constraints = [
            models.CheckConstraint(
                # A draft may be cancelled before it was ever submitted.
                condition=Q(status__in=["draft", "cancelled"])
                | (Q(submitted_at__isnull=False) & ~Q(tier="")),
                name="submitted_has_time_and_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.brand.name}"

    @property
    def reference(self) -> str:
        """Short human reference quoted to support, e.g. ``AP-3F9C21``."""
        return f"AP-{self.uid.hex[:6].upper()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.NEEDS_RETAKE)

    def mark_submitted(self, *, now: datetime) -> None:
        if not self.is_editable:
            raise ValueError(f"A {self.get_status_display().lower()} case can't be submitted.")
        self.status = Status.SUBMITTED
        self.round += 1
        if self.submitted_at is None:
            self.submitted_at = now
            self.due_at = now + TIER_TURNAROUND[Tier(self.tier)]


def _photo_path(instance: SubmissionPhoto, filename: str) -> str:
    # Random names: the stored path reveals nothing about the buyer or the original file.
    return f"submissions/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg"


class SubmissionPhoto(models.Model):
    """The current photo for one slot of a submission: re-encoded, metadata-free bytes.

    A retake replaces the file in place; ``attempts`` and ``first_attempt_accepted`` keep
    what the first-pass acceptance figure needs.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    slot = models.ForeignKey(PhotoSlot, on_delete=models.PROTECT, related_name="+")
    image = models.FileField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # Of the stored file: the metadata-free JPEG re-encoded from the upload (appraisals/uploads.py).
    sha256 = models.CharField(max_length=64, db_index=True)
    # Of the file exactly as it was sent, so its sender can match it to their own copy; blank
    # for photos stored before it was kept.
    received_sha256 = models.CharField(max_length=64, blank=True)
    source_format = models.CharField(max_length=8)
    quality = models.JSONField(default=dict)
    quality_ok = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=1)
    first_attempt_accepted = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Set by the server-side re-check after submission.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "slot"], name="one_photo_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.submission.reference} {self.slot.name}"

    @property
    def issues(self) -> list[dict[str, object]]:
        return list(self.quality.get("issues", []))


class SubmissionEvent(models.Model):
    """One line of a submission's timeline, as the buyer sees it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Draft started")
        PHOTOS_UPLOADED = "photos_uploaded", _("Photos uploaded")
        SUBMITTED = "submitted", _("Submitted")
        PHOTOS_ACCEPTED = "photos_accepted", _("Photos accepted")
        RETAKE_REQUESTED = "retake_requested", _("Retake requested")
        QUEUED = "queued", _("Queued for AI pre-screen")
        PRESCREENED = "prescreened", _("AI check done")
        EXPERT_QUEUED = "expert_queued", _("Waiting for an expert")
        EXPERT_ASSIGNED = "expert_assigned", _("Expert assigned")
        MORE_PHOTOS_REQUESTED = "more_photos", _("More photos requested")
        SECOND_REVIEW = "second_review", _("Second review")
        SENIOR_REVIEW = "senior_review", _("Senior expert review")
        REPORT_ISSUED = "report_issued", _("Report issued")
        REFUND_DUE = "refund_due", _("Refund due")
        SLA_BREACHED = "sla_breached", _("Running late")
        DISPUTE_OPENED = "dispute_opened", _("Dispute opened")
        DISPUTE_STEP = "dispute_step", _("Dispute in progress")
        DISPUTE_RESOLVED = "dispute_resolved", _("Dispute resolved")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refund issued")
        QUOTA_RESTORED = "quota_restored", _("Appraisal returned to your allowance")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.CharField(max_length=500, blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Set on the steps of something another person asked for (the dispute a later holder of
    # the report opened): the submitter sees them only while they hold the report, or when
    # they asked themselves (``submission_events``).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The photo re-check records each outcome once per round, even if it runs twice.
            models.UniqueConstraint(
                fields=["submission", "kind", "round"],
                condition=Q(
                    kind__in=[
                        "photos_accepted",
                        "retake_requested",
                        "queued",
                        "prescreened",
                        "expert_queued",
                    ]
                ),
                name="one_check_outcome_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.kind}"

    @property
    def message_display(self) -> str:
        """The message in the reader's language where it is one of the fixed sentences.

        Messages are stored in English (``gettext_noop`` marks the fixed ones for the catalogue);
        a message with details filled in (slot names, a reviewer's words) reads as stored,
        except the item and tier lines, which are rebuilt from the case while they still say
        what was stored.
        """
        if self.kind == self.Kind.CREATED and self.message == self._item_line_english():
            submission = self.submission
            return f"{submission.brand.local_name} {submission.category.local_name.lower()}"
        if self.kind == self.Kind.SUBMITTED:
            for tier in Tier:
                with translation.override("en"):
                    stored = f"{tier.label} service"
                if self.message == stored:
                    return gettext("%(tier)s service") % {"tier": tier.label}
        return gettext(self.message) if self.message else ""

    def _item_line_english(self) -> str:
        """The item line as appraisals.services.submissions stores it at creation."""
        submission = self.submission
        return f"{submission.brand.name} {submission.category.name.lower()}"
