"""What provenance remembers: documents waiting for or holding an anchor, the batches that
anchor them, the transactions that carry the batches, and where the contract lives.

Provenance knows nothing of reports: a document is a type, an id and a JSON body.
See docs/provenance.md for the states and why each is stored.
"""

from __future__ import annotations

import uuid
from typing import TypedDict

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class _DecimalDigits(TypedDict):
    max_digits: int
    decimal_places: int


# Ethereum quantities (wei, gas prices) can exceed 64 bits.
WEI: _DecimalDigits = {"max_digits": 78, "decimal_places": 0}


class Deployment(models.Model):
    """The AnchorLog contract on one chain. A devnet that was reset gets a new one."""

    chain_id = models.PositiveBigIntegerField()
    address = models.CharField(max_length=42)
    block_number = models.PositiveBigIntegerField()
    deployer = models.CharField(max_length=42)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the contract is found gone (a devnet reset), or when it runs older code than
    # the committed source (see `source_sha256`); its documents are anchored again.
    retired_at = models.DateTimeField(null=True, blank=True)
    # The SHA-256 of the AnchorLog source it was compiled from ("": before these records).
    source_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            # A wiped devnet may hand out the same address again, so only the live one is unique.
            models.UniqueConstraint(
                fields=["chain_id"],
                condition=Q(retired_at__isnull=True),
                name="one_live_contract_per_chain",
            ),
        ]

    def __str__(self) -> str:
        return f"AnchorLog {self.address} on chain {self.chain_id}"


class Batch(models.Model):
    """One Merkle tree of document roots, anchored by one ``anchor`` call."""

    class State(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        SIGNED = "signed", _("Signed")
        BROADCAST = "broadcast", _("Broadcast")
        INCLUDED = "included", _("Included in a block")
        CONFIRMED = "confirmed", _("Confirmed")
        REORGED = "reorged", _("Reorged out; being anchored again")
        ABANDONED = "abandoned", _("Abandoned (chain reset); documents re-batched")

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="batches")
    seq = models.PositiveBigIntegerField()
    root = models.CharField(max_length=66)
    prev_root = models.CharField(max_length=66)
    size = models.PositiveIntegerField()
    # Document roots this batch marks revoked on chain.
    revokes = models.JSONField(default=list, blank=True)
    # Report-signing keys (addresses) the batch transaction authorises in the contract, and
    # those it retires there (provenance.signing_keys.batch_key_changes).
    authorises = models.JSONField(default=list, blank=True)
    retires = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SEALED)
    block_number = models.PositiveBigIntegerField(null=True, blank=True)
    block_hash = models.CharField(max_length=66, blank=True)
    # The block's timestamp: when the chain says the batch was anchored.
    anchored_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deployment_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "seq"], name="one_batch_per_seq"),
            models.UniqueConstraint(fields=["deployment", "root"], name="one_batch_per_root"),
        ]

    def __str__(self) -> str:
        return f"batch {self.seq} ({self.size} documents, {self.state})"


class Document(models.Model):
    """A document committed to field by field, waiting for or holding its anchor."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    doc_type = models.CharField(max_length=40)
    doc_id = models.CharField(max_length=100)
    body = models.JSONField()
    # Leaf key -> 0x-hex 128-bit salt. Secret until the owner discloses a field.
    salts = models.JSONField()
    # Leaf keys committed to but left out of the default disclosure (the verification page,
    # its JSON, the public bundle): only a bundle of fields the owner picks reveals them.
    private_fields = models.JSONField(default=list, blank=True)
    root = models.CharField(max_length=66, unique=True)
    signer = models.CharField(max_length=42)
    # The platform's EIP-191 signature over the document root.
    signature = models.CharField(max_length=132)
    # For a revocation document: the root of the document it revokes.
    revokes = models.CharField(max_length=66, blank=True)
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    leaf_index = models.PositiveIntegerField(null=True, blank=True)
    batch_proof = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "doc_id"], name="one_document_per_id"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(batch__isnull=True), name="doc_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.doc_id}"


class SenderNonce(models.Model):
    """The next nonce of an anchoring account, kept here rather than asked of the node.

    The row is also the single-writer lock: whoever sends holds it ``FOR UPDATE``.
    """

    chain_id = models.PositiveBigIntegerField()
    address = models.CharField(max_length=42)
    next_nonce = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "address"], name="one_nonce_per_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.address} on {self.chain_id}: next nonce {self.next_nonce}"


class AnchorTransaction(models.Model):
    """One signed transaction for a batch. Stored before it is sent; re-sent byte for byte."""

    class State(models.TextChoices):
        SIGNED = "signed", _("Signed, not yet sent")
        BROADCAST = "broadcast", _("Sent")
        INCLUDED = "included", _("Included")
        REPLACED = "replaced", _("Replaced by a higher fee at the same nonce")
        DROPPED = "dropped", _("Dropped")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="transactions")
    sender = models.CharField(max_length=42)
    nonce = models.PositiveBigIntegerField()
    max_fee_per_gas = models.DecimalField(**WEI)
    max_priority_fee_per_gas = models.DecimalField(**WEI)
    gas_limit = models.PositiveBigIntegerField()
    raw = models.TextField()
    tx_hash = models.CharField(max_length=66, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SIGNED)
    sent_at = models.DateTimeField(null=True, blank=True)
    gas_used = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nonce", "created_at"]

    def __str__(self) -> str:
        return f"{self.tx_hash} (nonce {self.nonce}, {self.state})"


class SigningKey(models.Model):
    """A report-signing key the platform has used, and when: the key list the issuer metadata
    (/.well-known/authplatform-issuer.json) publishes, so a verifier can tell ours from others.

    Kept by ``provenance.signing_keys.signing_keys_sync``.
    """

    address = models.CharField(max_length=42, unique=True)
    # Nothing it signed was anchored earlier (whole seconds, as block times are). Null: unknown
    # (a key from before these records); no lower bound then.
    valid_from = models.DateTimeField(null=True, blank=True)
    # Everything it signed was anchored by then. Null while it signs, or while its last
    # documents wait for their batch. Set by hand, earlier, if the key is compromised.
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("valid_from").asc(nulls_first=True), "id"]

    def __str__(self) -> str:
        return self.address
