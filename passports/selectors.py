"""Reading passports: the public page (no personal data) and the owner's own items."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from members.models import User
from passports.models import Item, Transfer
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


def item_get_for_owner(*, uid: object, owner: User) -> Item:
    try:
        item = Item.objects.select_related("category", "brand").get(uid=uid)
    except (Item.DoesNotExist, ValueError) as error:
        raise Http404("No such item.") from error
    if item.owner_id != owner.pk:
        raise Http404("No such item.")
    return item


def passport_events(*, item: Item) -> list[dict[str, object]]:
    """The item's events, oldest first, each with where its anchor stands (a fixed number of
    queries, however long the history)."""
    events = list(
        item.events.select_related("document__batch__deployment").order_by("occurred_at", "id")
    )
    statuses = document_statuses([e.document for e in events])
    return [{"event": e, "proof": statuses[e.document_id]} for e in events]


def items_of(*, owner: User) -> list[Item]:
    return list(owner.items.select_related("category", "brand").order_by("-created_at"))


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
