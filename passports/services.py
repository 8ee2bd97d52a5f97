"""Business logic of item passports. Every function validates, then saves atomically.

Each event is registered as a provenance document (type ``authplatform.passport-event``)
in the same transaction, naming the root of the item's previous event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraisals import permissions
from appraisals.models import Report, Submission, serial_normalise
from appraisals.policies import policy_for
from appraisals.services.custody import submission_holder_pass
from disputes.models import Dispute
from members.models import User
from members.services import notification_send
from passports.models import Item, ItemLinkProposal, PassportEvent, Transfer
from passports.selectors import submission_ids_on
from provenance.canonical import utc_timestamp
from provenance.documents import document_register

DOCUMENT_TYPE = "authplatform.passport-event"
Kind = PassportEvent.Kind


def _english(label: Callable[[], str]) -> str:
    """A choice's label in English, as the signed summaries hold it (see ``local_summary``)."""
    with translation.override("en"):
        return str(label())


def _event_record(
    *,
    item: Item,
    kind: str,
    summary: str,
    actor: User | None = None,
    report: Report | None = None,
    occurred_at: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> PassportEvent:
    """Register the event's document (chained to the item's last event) and store it."""
    occurred_at = (occurred_at or timezone.now()).replace(microsecond=0)
    previous = item.events.select_related("document").order_by("-occurred_at", "-id").first()
    uid = uuid.uuid4()
    body = {
        "type": DOCUMENT_TYPE,
        "id": str(uid),
        "item": {
            "passport": str(item.uid),
            "category": item.category.slug,
            "brand": item.brand.name,
        },
        "kind": kind,
        "occurred_at": utc_timestamp(occurred_at),
        "summary": summary,
        "previous": previous.document.root if previous else None,
        **(details or {}),
    }
    document = document_register(body=body)
    return PassportEvent.objects.create(
        uid=uid,
        item=item,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        actor=actor,
        report=report,
        document=document,
    )


# --- appraisals ---------------------------------------------------------------------------


def _current(item: Item) -> Item:
    """The passport an item's history shows on: itself, or the one it was linked into."""
    while item.merged_into_id is not None:
        item = Item.objects.select_for_update().get(pk=item.merged_into_id)
    return item


def item_for_submission(*, submission: Submission) -> Item:
    """A case's own new item, owned by whoever submitted it.

    A typed serial is the submitter's word, not proof: if other passports carry the same one,
    each gets a link proposal for an expert to decide (``item_link_confirm``), flagged for
    staff when the passport is someone else's. Nothing is linked here.
    """
    serial = serial_normalise(submission.serial_code or "")
    item = Item.objects.create(
        category=submission.category,
        brand=submission.brand,
        product_model=submission.product_model,
        serial=serial,
        owner=submission.owner,
    )
    if serial:
        matches = Item.objects.filter(
            category=submission.category,
            brand=submission.brand,
            serial=serial,
            merged_into__isnull=True,
        ).exclude(pk=item.pk)
        ItemLinkProposal.objects.bulk_create(
            ItemLinkProposal(
                item=item,
                target=target,
                submission=submission,
                owners_differ=target.owner_id != submission.owner_id,
            )
            for target in matches.order_by("created_at", "id")
        )
    return item


def passport_record_report(*, report: Report) -> PassportEvent | None:
    """Add a report (first version or correction) to its item's passport; idempotent.

    A case's first report opens the case's own item; its corrections follow it, onto the
    passport it was linked into if an expert linked it. The case's policy may keep its
    reports off passports (a partner's test).
    """
    if not policy_for(report.submission).records_passport:
        return None
    existing = PassportEvent.objects.filter(report=report).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        earlier = (
            PassportEvent.objects.select_related("item")
            .filter(report__submission=report.submission)
            .first()
        )
        item = (
            _current(earlier.item) if earlier else item_for_submission(submission=report.submission)
        )
        verdict = _english(report.get_verdict_display)
        summary = (
            f"Report corrected (version {report.version}): {verdict}"
            if report.supersedes_id
            else f"Authenticated: {verdict}"
        )
        return _event_record(
            item=item,
            kind=Kind.APPRAISAL,
            summary=summary,
            report=report,
            occurred_at=report.issued_at,
            details={"report": str(report.uid), "verdict": report.verdict},
        )


def _items_locked(*items: Item) -> list[Item]:
    """The rows locked in id order, so two linking experts can't deadlock."""
    rows = Item.objects.select_for_update().filter(pk__in=[i.pk for i in items]).order_by("pk")
    locked = {row.pk: row for row in rows}
    return [locked[i.pk] for i in items]


def _link(*, source: Item, target: Item, expert: User) -> Item:
    """Link two locked items: checked, then the source's page leads to the target, which gains
    an event naming the source's reports (their own events stay where they were anchored)."""
    if source.pk == target.pk:
        raise ValidationError(_("An item can't be linked to itself."))
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise ValidationError(_("One of these items is already linked to another passport."))
    if (source.category_id, source.brand_id) != (target.category_id, target.brand_id):
        raise ValidationError(_("The items differ in category or brand."))
    if source.owner_id != target.owner_id:
        # Linking would put one person's report on another person's passport. The passport's
        # owner transfers it first (or staff settle who owns the item).
        raise ValidationError(
            _("The two items have different owners: nothing is linked until one person owns both.")
        )
    if source.stolen_since is not None or target.stolen_since is not None:
        raise ValidationError(_("An item reported stolen can't be linked."))
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    reports = [
        str(r) for r in source.events.exclude(report=None).values_list("report__uid", flat=True)
    ]
    _event_record(
        item=target,
        kind=Kind.APPRAISAL,
        summary="An earlier appraisal of this item, linked by an expert",
        actor=expert,
        details={"linked_passport": str(source.uid), "reports": reports},
    )
    return target


def item_link(*, source: Item, target: Item, expert: User) -> Item:
    """An expert links a serial-less item (one report's) to the passport it belongs to."""
    if not expert.has_perm(permissions.REVIEW):
        raise PermissionDenied(_("Only experts can link an item to a passport."))
    with transaction.atomic():
        source, target = _items_locked(source, target)
        if source.serial:
            raise ValidationError(
                _(
                    "An item with a serial is linked through its link proposal, after comparing "
                    "the photos."
                )
            )
        return _link(source=source, target=target, expert=expert)


def _proposal_open(proposal: ItemLinkProposal) -> ItemLinkProposal:
    locked = ItemLinkProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != ItemLinkProposal.State.PROPOSED:
        raise ValidationError(
            _("This proposal is already %(state)s.") % {"state": locked.get_state_display().lower()}
        )
    return locked


def item_link_confirm(*, proposal: ItemLinkProposal, expert: User) -> ItemLinkProposal:
    """An expert who compared both items' photos confirms they are one item: linked, provided
    one person owns both (otherwise refused, and the proposal stays flagged)."""
    if not expert.has_perm(permissions.REVIEW):
        raise PermissionDenied(_("Only experts can link an item to a passport."))
    with transaction.atomic():
        locked = _proposal_open(proposal)
        source, target = _items_locked(locked.item, locked.target)
        differ = source.owner_id != target.owner_id
        if differ != locked.owners_differ:
            locked.owners_differ = differ
            locked.save(update_fields=["owners_differ"])
        _link(source=source, target=target, expert=expert)
        now = timezone.now()
        locked.state, locked.decided_by, locked.decided_at = (
            ItemLinkProposal.State.CONFIRMED,
            expert,
            now,
        )
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        # The item has its passport now; its other proposals are moot.
        locked.item.link_proposals.filter(state=ItemLinkProposal.State.PROPOSED).update(
            state=ItemLinkProposal.State.REJECTED,
            decided_by=expert,
            decided_at=now,
            note="Linked to another passport instead.",
        )
        return locked


def item_link_reject(*, proposal: ItemLinkProposal, expert: User, note: str) -> ItemLinkProposal:
    """An expert finds the two are different items (or can't tell): each keeps its passport."""
    if not expert.has_perm(permissions.REVIEW):
        raise PermissionDenied(_("Only experts can decide on a link proposal."))
    note = " ".join(note.split())
    if not 3 <= len(note) <= 500:
        raise ValidationError({"note": _("Say in 3 to 500 characters why they differ.")})
    with transaction.atomic():
        locked = _proposal_open(proposal)
        locked.state, locked.decided_by, locked.decided_at, locked.note = (
            ItemLinkProposal.State.REJECTED,
            expert,
            timezone.now(),
            note,
        )
        locked.save(update_fields=["state", "decided_by", "decided_at", "note"])
        return locked


def passport_record_dispute(*, dispute: Dispute) -> PassportEvent | None:
    """A dispute's outcome on the item's passport (anonymised: outcome and report only)."""
    origin = PassportEvent.objects.select_related("item").filter(report=dispute.report).first()
    if origin is None:
        return None
    with transaction.atomic():
        item = _current(Item.objects.select_for_update().get(pk=origin.item_id))
        details: dict[str, Any] = {
            "dispute": str(dispute.uid),
            "outcome": dispute.outcome,
            "report": str(dispute.report.uid),
        }
        if dispute.corrected_report is not None:
            details["corrected_report"] = str(dispute.corrected_report.uid)
        return _event_record(
            item=item,
            kind=Kind.DISPUTE,
            summary=f"Dispute resolved: {_english(dispute.get_outcome_display)}",
            details=details,
        )


# --- service and repair -------------------------------------------------------------------


def service_record(
    *, item: Item, actor: User, kind: str, summary: str, occurred_at: datetime | None = None
) -> PassportEvent:
    """A service or repair, recorded by staff or a partner (not by owners or strangers)."""
    if not actor.has_perm("passports.record_service"):
        raise PermissionDenied(_("Only staff and partners may add service or repair records."))
    if kind not in (Kind.SERVICE, Kind.REPAIR):
        raise ValidationError({"kind": _("Choose service or repair.")})
    summary = " ".join(summary.split())
    if not 3 <= len(summary) <= 300:
        raise ValidationError({"summary": _("Describe the work in 3 to 300 characters.")})
    if occurred_at is not None and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("The work can't be in the future.")})
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        return _event_record(
            item=locked, kind=kind, summary=summary, actor=actor, occurred_at=occurred_at
        )


# --- stolen -------------------------------------------------------------------------------


def stolen_set(*, item: Item, owner: User, stolen: bool) -> Item:
    """The owner reports the item stolen (transfers stop) or recovered."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.owner_id != owner.pk:
            raise PermissionDenied(_("Only the item's owner can report it stolen or recovered."))
        if stolen == (locked.stolen_since is not None):
            return locked
        locked.stolen_since = timezone.now() if stolen else None
        locked.save(update_fields=["stolen_since"])
        locked.transfers.filter(state=Transfer.State.PROPOSED).update(
            state=Transfer.State.CANCELLED, decided_at=timezone.now()
        )
        _event_record(
            item=locked,
            kind=Kind.STOLEN if stolen else Kind.RECOVERED,
            summary="Reported stolen by its owner" if stolen else "Reported recovered by its owner",
            actor=owner,
        )
        return locked


# --- transfers ----------------------------------------------------------------------------


def transfer_propose(*, item: Item, owner: User, to_email: str) -> Transfer:
    to_email = to_email.strip().lower()
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.owner_id != owner.pk:
            raise PermissionDenied(_("Only the item's owner can transfer it."))
        if locked.stolen_since is not None:
            raise ValidationError(_("An item reported stolen can't be transferred."))
        if locked.merged_into_id is not None:
            raise ValidationError(_("This item was linked to another passport; transfer that one."))
        if to_email == owner.email.lower():
            raise ValidationError({"to_email": _("That is your own address.")})
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(item=locked, from_user=owner, to_email=to_email)
        except IntegrityError:
            raise ValidationError(
                _("A transfer of this item is already waiting for its new owner; cancel it first.")
            ) from None
    _transfer_notify(transfer)
    return transfer


def _transfer_notify(transfer: Transfer) -> None:
    link = reverse("passports:transfer", args=[transfer.token])
    recipient = User.objects.filter(email__iexact=transfer.to_email).first()
    # Someone without an account yet gets it in the language of the owner who sends the item.
    with translation.override(recipient.language if recipient else transfer.from_user.language):
        names = {
            "brand": transfer.item.brand.local_name,
            "category": transfer.item.category.local_name.lower(),
        }
        subject = _("An item's passport is being transferred to you: %(brand)s") % names
        body = (
            _(
                "The owner of a %(brand)s %(category)s wants to transfer its passport (and its "
                "authentication guarantee) to you. Sign in or create an account with this "
                "address to accept or decline."
            )
            % names
        )
    if recipient is not None:
        notification_send(user=recipient, subject=subject, body=body, link=link)
        return
    url = f"{settings.SITE_URL.rstrip('/')}{link}"
    transaction.on_commit(lambda: send_mail(subject, f"{body}\n\n{url}", None, [transfer.to_email]))


def _open_transfer(token: str) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update().select_related("item").filter(token=token).first()
    )
    if transfer is None:
        raise ValidationError(_("This transfer link is not valid."))
    if transfer.state != Transfer.State.PROPOSED:
        raise ValidationError(
            _("This transfer is already %(state)s.")
            % {"state": transfer.get_state_display().lower()}
        )
    if transfer.expires_at <= timezone.now():
        raise ValidationError(_("This transfer link has expired; ask the owner to send a new one."))
    return transfer


def transfer_accept(*, token: str, user: User) -> Transfer:
    """The new owner accepts: the item and its guarantee are theirs from now on."""
    with transaction.atomic():
        transfer = _open_transfer(token)
        if user.email.lower() != transfer.to_email:
            raise PermissionDenied(_("This transfer is addressed to another account."))
        item = Item.objects.select_for_update().get(pk=transfer.item_id)
        if item.owner_id != transfer.from_user_id or item.stolen_since is not None:
            raise ValidationError(
                _("The item's owner or status has changed; this transfer lapsed.")
            )
        now = timezone.now()
        transfer.state, transfer.to_user, transfer.decided_at = Transfer.State.ACCEPTED, user, now
        transfer.save(update_fields=["state", "to_user", "decided_at"])
        item.owner = user
        item.owner_number += 1
        item.save(update_fields=["owner", "owner_number"])
        # The reports the previous owner held on this passport go with it, and with them the
        # right to dispute and the guarantee; anyone else's report stays theirs.
        submission_holder_pass(
            submission_ids=list(submission_ids_on(item=item)),
            from_user=transfer.from_user,
            to_user=user,
        )
        _event_record(
            item=item,
            kind=Kind.TRANSFER,
            summary=f"Ownership passed from owner {item.owner_number - 1} to owner "
            f"{item.owner_number}",
            actor=user,
            details={"owner": item.owner_number},
        )
    with translation.override(transfer.from_user.language):
        subject = _("Your transfer of the %(brand)s %(category)s was accepted") % {
            "brand": item.brand.local_name,
            "category": item.category.local_name.lower(),
        }
    notification_send(
        user=transfer.from_user,
        subject=subject,
        link=reverse("passports:public", args=[item.public_token]),
    )
    return transfer


def transfer_decline(*, token: str, user: User) -> Transfer:
    with transaction.atomic():
        transfer = _open_transfer(token)
        if user.email.lower() != transfer.to_email:
            raise PermissionDenied(_("This transfer is addressed to another account."))
        transfer.state, transfer.decided_at = Transfer.State.DECLINED, timezone.now()
        transfer.save(update_fields=["state", "decided_at"])
        return transfer


def transfer_cancel(*, transfer: Transfer, owner: User) -> Transfer:
    with transaction.atomic():
        locked = _open_transfer(transfer.token)
        if locked.from_user_id != owner.pk:
            raise PermissionDenied(_("Only the owner who proposed it can cancel this transfer."))
        locked.state, locked.decided_at = Transfer.State.CANCELLED, timezone.now()
        locked.save(update_fields=["state", "decided_at"])
        return locked
