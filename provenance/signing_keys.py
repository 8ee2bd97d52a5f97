"""The record of report-signing keys and their validity windows (`SigningKey`).

`signing_keys_sync` runs on every anchoring tick and when the contract is deployed. It records
the current key (``REPORT_SIGNING_KEY``) and the earlier ones still trusted
(``REPORT_SIGNING_TRUSTED_SIGNERS``), and retires a key that no longer signs once everything
it signed is anchored: its ``retired_at`` is then the time its last batch was anchored, so a
verifier can refuse anything "signed" by it and anchored later.

The contract keeps the same record on chain (`batch_key_changes`): the batch that first
carries a key's documents authorises it there, and the first batch after its retirement
retires it, so ``signer_window(key)`` is the range of batches it signed for.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from provenance.models import Batch, Deployment, Document, SigningKey
from provenance.signing import signer_get, trusted_signers

# The contract takes at most this many key changes of each kind per batch (MAX_SIGNERS).
MAX_KEY_CHANGES = 8


def signing_keys_sync() -> list[SigningKey]:
    """Record the trusted keys and retire the ones done signing; the trusted keys' rows."""
    current = signer_get().address
    trusted = trusted_signers()
    with transaction.atomic():
        known = {key.address: key for key in SigningKey.objects.select_for_update()}
        for address in trusted:
            if address not in known:
                known[address], _ = SigningKey.objects.get_or_create(
                    address=address,
                    defaults={"valid_from": _first_signed(address, current=current)},
                )
        for key in known.values():
            if key.retired_at is None and key.address != current:
                retired_at = _all_anchored_at(key.address)
                if retired_at is not None:
                    key.retired_at = retired_at
                    key.save(update_fields=["retired_at"])
    return [known[address] for address in trusted]


def _whole_second(moment: datetime) -> datetime:
    # Block times are whole seconds: a key first used at 10:00:00.6 may sign a document that
    # a block stamped 10:00:00 anchors.
    return moment.replace(microsecond=0)


def _first_signed(address: str, *, current: str) -> datetime | None:
    """When the key began: its first document, or now for the current key (None: unknown)."""
    first = Document.objects.filter(signer=address).aggregate(first=Min("created_at"))["first"]
    if first is None and address == current:
        first = timezone.now()
    return _whole_second(first) if first is not None else None


def _all_anchored_at(address: str) -> datetime | None:
    """When the last of the key's documents was anchored; None while one still waits."""
    signed = Document.objects.filter(signer=address)
    if signed.exclude(batch__state=Batch.State.CONFIRMED).exists():
        return None
    last = signed.aggregate(last=Max("batch__anchored_at"))["last"]
    return last if last is not None else _whole_second(timezone.now())


def batch_key_changes(*, deployment: Deployment, signers: set[str]) -> tuple[list[str], list[str]]:
    """The keys the next batch of ``deployment`` authorises and retires in the contract.

    ``signers`` are the keys of its documents: each one no earlier batch authorised is
    authorised by this one. A retired key (``retired_at`` set) that an earlier batch
    authorised is retired by this one, unless it signed one of its documents (it is then
    retired by the next batch). Batches already sealed count, whether or not they are on
    chain yet: they go first, as the contract takes batches in order.
    """
    live = deployment.batches.exclude(state=Batch.State.ABANDONED)
    authorised = {a for row in live.values_list("authorises", flat=True) for a in row}
    retired = {a for row in live.values_list("retires", flat=True) for a in row}
    authorises = sorted(signers - authorised)[:MAX_KEY_CHANGES]
    done = SigningKey.objects.filter(retired_at__isnull=False).values_list("address", flat=True)
    retires = sorted(
        address
        for address in done
        if address in authorised and address not in retired and address not in signers
    )[:MAX_KEY_CHANGES]
    return authorises, retires
