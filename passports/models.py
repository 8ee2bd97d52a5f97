"""Item passports: an item, the events of its life, ownership transfers, and proposed links.

Every first report opens a passport of its own. A serial typed on a case never decides which
item it is: a serial that matches another passport's only *proposes* the link
(``ItemLinkProposal``), which an expert confirms after comparing the photos, and only when one
person owns both (docs/provenance.md, "Item identity"). Every event is a provenance document
(anchored like a report) and names the one before it, so an item's history is a hash chain no
one can reorder or trim without it showing. Nothing personal is in an event: owners are
"owner 1", "owner 2"..., never names or emails.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from appraisals.models import serial_mask


def _token() -> str:
    return secrets.token_urlsafe(18)  # 144 bits: the passport page's unguessable address


class Item(models.Model):
    """One physical item as we know it, with its public passport page.

    ``serial`` is normalised and not unique: a typed serial is a claim, and two items (two
    owners' cases) may carry the same one until an expert links them.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_token = models.CharField(max_length=32, unique=True, default=_token)
    category = models.ForeignKey("appraisals.Category", on_delete=models.PROTECT)
    brand = models.ForeignKey("appraisals.Brand", on_delete=models.PROTECT)
    product_model = models.ForeignKey(
        "appraisals.ProductModel", on_delete=models.PROTECT, null=True, blank=True
    )
    serial = models.CharField(max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="items"
    )
    # Owners so far, counting the current one: events call them "owner N", nothing more.
    owner_number = models.PositiveIntegerField(default=1)
    stolen_since = models.DateTimeField(null=True, blank=True)
    # An item an expert found to be another passport's item (a confirmed link proposal, or a
    # serial-less item linked by hand): its page leads there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["category", "brand", "serial"],
                condition=~Q(serial=""),
                name="item_serial_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.category} {self.serial_masked or '(no serial)'}"

    @property
    def serial_masked(self) -> str:
        """What public pages show: enough to match the tag in hand, not to copy it."""
        return serial_mask(self.serial)


# The sentences the platform writes into an event's summary, in English (the signed document
# holds them so, whatever language the person who caused the event reads). Pages show them in
# the reader's language: the parts in angle brackets are a label (a verdict, an outcome) that
# is itself a msgid, or a number.
_SUMMARIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Authenticated: (?P<verdict>.+)"), gettext_noop("Authenticated: %(verdict)s")),
    (
        re.compile(r"Report corrected \(version (?P<version>\d+)\): (?P<verdict>.+)"),
        gettext_noop("Report corrected (version %(version)s): %(verdict)s"),
    ),
    (
        re.compile(r"Dispute resolved: (?P<outcome>.+)"),
        gettext_noop("Dispute resolved: %(outcome)s"),
    ),
    (
        re.compile(r"Ownership passed from owner (?P<before>\d+) to owner (?P<after>\d+)"),
        gettext_noop("Ownership passed from owner %(before)s to owner %(after)s"),
    ),
]
_FIXED_SUMMARIES = {
    gettext_noop("An earlier appraisal of this item, linked by an expert"),
    gettext_noop("Reported stolen by its owner"),
    gettext_noop("Reported recovered by its owner"),
}


class PassportEvent(models.Model):
    class Kind(models.TextChoices):
        APPRAISAL = "appraisal", _("Authenticated")
        TRANSFER = "transfer", _("Ownership transferred")
        SERVICE = "service", _("Serviced")
        REPAIR = "repair", _("Repaired")
        STOLEN = "stolen", _("Reported stolen")
        RECOVERED = "recovered", _("Reported recovered")
        DISPUTE = "dispute", _("Dispute outcome")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    # Public words only: no names, emails or prices.
    summary = models.CharField(max_length=300)
    # Who recorded it; never shown publicly.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    report = models.ForeignKey(
        "appraisals.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passport_events",
    )
    document = models.OneToOneField(
        "provenance.Document", on_delete=models.PROTECT, related_name="passport_event"
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        permissions = [("record_service", "Can record service and repair events")]
        constraints = [
            # One appraisal event per report, however often the hook runs.
            models.UniqueConstraint(
                fields=["report"], condition=Q(report__isnull=False), name="one_event_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.occurred_at:%Y-%m-%d}"

    @property
    def local_summary(self) -> str:
        """The summary in the reader's language where the platform wrote it; a service or repair
        record's own words stay as their author wrote them."""
        if self.summary in _FIXED_SUMMARIES:
            return gettext(self.summary)
        for pattern, sentence in _SUMMARIES:
            match = pattern.fullmatch(self.summary)
            if match:
                return gettext(sentence) % {k: gettext(v) for k, v in match.groupdict().items()}
        return self.summary


def _transfer_expiry() -> object:
    return timezone.now() + timedelta(days=14)


class Transfer(models.Model):
    """An ownership transfer: proposed by the current owner, done when the new one accepts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the new owner")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_email = models.EmailField()
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=_token)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_transfer_expiry)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="proposed"), name="one_open_transfer_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} -> {self.to_email} ({self.state})"


class ItemLinkProposal(models.Model):
    """A new case's item whose serial matches an existing passport: a link proposed, not made.

    Created when the case's first report opens its own passport (``item``). An expert with the
    review permission confirms it in the admin, with both items' photos side by side, and only
    when one person owns both; or rejects it. ``owners_differ`` flags two owners claiming one
    serial for staff: such a proposal can't be confirmed until the passport's owner transfers
    it, and nothing is merged meanwhile.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for an expert")
        CONFIRMED = "confirmed", _("Confirmed: the same item")
        REJECTED = "rejected", _("Rejected: a different item")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="link_proposals")
    target = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="link_claims")
    # The case whose typed serial matched: its photos are compared with the passport's.
    submission = models.ForeignKey(
        "appraisals.Submission", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    # When proposed (and again when decided): the case's submitter isn't the passport's owner.
    owners_differ = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "target"], name="one_proposal_per_pair"),
            models.CheckConstraint(condition=~Q(item=models.F("target")), name="proposal_not_self"),
            models.CheckConstraint(
                condition=Q(state="proposed", decided_at__isnull=True)
                | (~Q(state="proposed") & Q(decided_at__isnull=False)),
                name="proposal_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owners_differ"], condition=Q(state="proposed"), name="proposal_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} -> passport {self.target_id} ({self.state})"
