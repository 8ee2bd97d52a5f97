"""Reading passports: the public page (no personal data) and the owner's own items."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from appraisals.models import Report, Submission
from appraisals.selectors.custody import held_by
from members.models import User
from passports.models import Item, ItemLinkProposal, PassportEvent, Transfer
from provenance.selectors import document_statuses


def item_get_public(*, token: str) -> Item:
    item = (
        Item.objects.select_related("category", "brand", "product_model")
        .filter(public_token=token)
        .first()
    )
    if item is None:
        raise Http404("No passport at this address.")
    return item


def item_get_current(*, token: str) -> Item:
    """The passport at ``token``, or the one it was merged into (its history moved there)."""
    item = item_get_public(token=token)
    while item.merged_into_id is not None:
        item = Item.objects.select_related("category", "brand", "product_model").get(
            pk=item.merged_into_id
        )
    return item


def item_get_for_owner(*, uid: UUID | str, owner: User) -> Item:
    try:
        item = Item.objects.select_related("category", "brand").get(uid=uid)
    except (Item.DoesNotExist, ValueError) as error:
        raise Http404("No such item.") from error
    if item.owner_id != owner.pk:
        raise Http404("No such item.")
    return item


def item_ids_with_linked(*, item: Item) -> set[int]:
    """The item and every item an expert linked into it (one query per level of links)."""
    ids, frontier = {item.pk}, [item.pk]
    while frontier:
        frontier = list(
            Item.objects.filter(merged_into__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


def submission_ids_on(*, item: Item) -> QuerySet[PassportEvent, int]:
    """The cases whose reports are on this passport, or on items linked into it."""
    return (
        PassportEvent.objects.filter(item__in=item_ids_with_linked(item=item), report__isnull=False)
        .values_list("report__submission_id", flat=True)
        .distinct()
    )


def reports_held_on(*, item: Item, user: User) -> QuerySet[Report]:
    """The current versions of this passport's reports that ``user`` holds: its owner page
    links them, and on a report's page its holder disputes it and shares partial proofs."""
    return Report.objects.filter(
        held_by(user, path="submission__"),
        submission_id__in=submission_ids_on(item=item),
        superseded_by__isnull=True,
    ).order_by("issued_at", "id")


def passport_events(*, item: Item) -> list[dict[str, object]]:
    """The item's events and those of items linked into it, oldest first, each with where
    its anchor stands (a fixed number of queries, however long the history)."""
    events = list(
        PassportEvent.objects.filter(item__in=item_ids_with_linked(item=item))
        .select_related("document__batch__deployment")
        .order_by("occurred_at", "id")
    )
    statuses = document_statuses([e.document for e in events])
    return [{"event": e, "proof": statuses[e.document_id]} for e in events]


def items_of(*, owner: User) -> list[Item]:
    """The owner's passports; an item linked into another shows as that one."""
    return list(
        owner.items.filter(merged_into__isnull=True)
        .select_related("category", "brand")
        .order_by("-created_at")
    )


def transfer_open(*, item: Item) -> Transfer | None:
    return item.transfers.filter(state=Transfer.State.PROPOSED).first()


def transfer_get(*, token: str, user: User) -> Transfer:
    """The transfer at ``token``, for its two parties only: the owner who proposed it and the
    person it is addressed to (by their account's address, or the account that accepted it).

    Anyone else gets 404, as if the link were wrong: the page names the addressee's email, and
    holding a forwarded link is no reason to learn it.
    """
    transfer = (
        Transfer.objects.select_related("item__brand", "item__category")
        .filter(token=token)
        .filter(Q(from_user=user) | Q(to_user=user) | Q(to_email__iexact=user.email.strip()))
        .first()
    )
    if transfer is None:
        raise Http404("No such transfer.")
    return transfer


def proposal_comparison(*, proposal: ItemLinkProposal) -> dict[str, Any]:
    """What an expert compares before linking: the photos of every case on the existing
    passport (and items linked into it) beside the new case's, slot by slot."""
    target_ids = PassportEvent.objects.filter(
        item__in=item_ids_with_linked(item=proposal.target), report__isnull=False
    ).values_list("report__submission_id", flat=True)
    cases = list(
        Submission.objects.filter(pk__in=target_ids)
        .select_related("brand", "category", "product_model")
        .prefetch_related("photos__slot")
        .order_by("submitted_at", "id")
    )
    new_case = (
        Submission.objects.select_related("brand", "category", "product_model")
        .prefetch_related("photos__slot")
        .get(pk=proposal.submission_id)
    )
    slots: dict[str, dict[str, Any]] = {}
    for case in [*cases, new_case]:
        for photo in case.photos.all():
            row = slots.setdefault(
                photo.slot.code,
                {
                    "label": photo.slot.local_name,
                    "position": photo.slot.position,
                    "old": [],
                    "new": [],
                },
            )
            side = "new" if case.pk == new_case.pk else "old"
            row[side].append({"case": case, "photo": photo})
    return {
        "cases": cases,
        "new_case": new_case,
        "rows": sorted(slots.values(), key=lambda row: row["position"]),
    }


def proposals_open_counts() -> dict[str, int]:
    """Open link proposals, and how many of them are two owners claiming one serial."""
    open_ = ItemLinkProposal.objects.filter(state=ItemLinkProposal.State.PROPOSED)
    return {"open": open_.count(), "owners_differ": open_.filter(owners_differ=True).count()}
