"""Disputes of a report and the authentication guarantee.

A ``Dispute`` is opened by the report's holder (whoever submitted the case, or received it
through an accepted transfer: ``Submission.holder``) within the window, with a reason, a
description and evidence. Staff triage it: a clerical fix (a corrected report version), a
rejection with a written reason, or a blind re-appraisal by two experts who took no part in the
report (an ``appraisals.Reappraisal``: two seats in the review queue). When they disagree with
the original, or with each other, a panel of three arbitrators in distinct roles votes; the
majority decides. An overturn issues a corrected version (the original is revoked on chain) and
creates a ``Compensation`` for the holder.

The rows lived in ``appraisals`` until migration 0001 here moved them, every row kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisals.models import Reappraisal, Report, Verdict


class Dispute(models.Model):
    """One holder's complaint about one report version, from triage to its outcome."""

    class Reason(models.TextChoices):
        WRONG_VERDICT = "wrong_verdict", _("The verdict is wrong")
        WEAR_NOT_STATED = "wear_not_stated", _("Wear or repairs were not stated")
        WRONG_DETAILS = "wrong_details", _("The item's details are wrong")
        OTHER = "other", _("Something else")

    class State(models.TextChoices):
        TRIAGE = "triage", _("Waiting for triage")
        REAPPRAISAL = "reappraisal", _("Blind re-appraisal by two experts")
        PANEL = "panel", _("Arbitration panel")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("Clerical error corrected")
        REJECTED = "rejected", _("Rejected")
        UPHELD = "upheld", _("Original verdict upheld")
        OVERTURNED = "overturned", _("Verdict overturned")
        INCONCLUSIVE = "inconclusive", _("Inconclusive")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    description = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.TRIAGE)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    # Staff's written reason for a rejection or a clerical fix; the panel's summary otherwise.
    outcome_reason = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The report version that settled it (a correction or an overturn).
    corrected_report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # DISPUTE_FEE_EUR when the verdict stands (0, the default, means disputes are free).
    fee_due_eur = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    # The blind re-appraisal triage ordered, if it did (its seats are in the review queue).
    reappraisal = models.OneToOneField(
        Reappraisal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        permissions = [("triage_dispute", "Can triage and settle disputes of reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=~Q(state="resolved"),
                name="one_open_dispute_per_report",
            ),
            models.CheckConstraint(
                condition=Q(state="resolved", resolved_at__isnull=False) & ~Q(outcome="")
                | ~Q(state="resolved") & Q(outcome=""),
                name="resolved_dispute_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute of {self.report_id} ({self.state})"

    @property
    def reference(self) -> str:
        return f"D-{str(self.uid)[:8].upper()}"


class PhotoRequest(models.Model):
    """A blind re-appraiser asks the disputing holder for more photos, with a message; the
    holder's next photos on the dispute's page answer it, and reach the re-appraisers' brief.
    The holder never learns who asked (the seat is blind both ways)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="photo_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"photo request on {self.dispute_id}"


class DisputeEvidence(models.Model):
    """A photo (sanitised and quality-checked like a submission's) or a PDF the opener adds."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="disputes/")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=200, blank=True)
    # The photo quality verdict (same checks as submissions); empty for documents.
    quality = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The re-appraiser's request for more photos this file answered, if it did.
    answers = models.ForeignKey(
        PhotoRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )

    def __str__(self) -> str:
        return f"{self.kind} for {self.dispute_id}"


class PanelVote(models.Model):
    """One arbitrator's seat on a dispute's panel: three seats, three distinct roles."""

    class Role(models.TextChoices):
        SENIOR_EXPERT = "senior_expert", _("Senior expert")
        BRAND = "brand", _("Brand representative")
        USER = "user", _("User representative")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="votes")
    role = models.CharField(max_length=14, choices=Role.choices)
    arbitrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    reason = models.TextField()
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispute", "role"], name="one_vote_per_panel_role"),
            models.UniqueConstraint(
                fields=["dispute", "arbitrator"], name="one_role_per_arbitrator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} on {self.dispute_id}: {self.verdict}"


class Compensation(models.Model):
    """What the guarantee owes after an overturn: a ledger entry, not a payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved by staff")
        PAID = "paid", _("Paid")

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="compensation")
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="compensations"
    )
    amount_eur = models.DecimalField(max_digits=12, decimal_places=2)
    basis = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.amount_eur} EUR to {self.beneficiary_id} ({self.status})"
