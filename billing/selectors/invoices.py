"""Reads of invoices. The member-facing ones check ownership: someone else's invoice is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from billing.models import Invoice
from members.models import User


def invoice_for_reference(reference: str) -> Invoice | None:
    """The live invoice issued for ``reference``, if any: the due or paid one, else a
    refunded one (a case's refunded fee can be invoiced again, so both may exist)."""
    issued = Invoice.objects.filter(reference=reference)
    return (
        issued.filter(status__in=[Invoice.Status.DUE, Invoice.Status.PAID]).first()
        or issued.filter(status=Invoice.Status.REFUNDED).first()
    )


def invoices_of(member: User) -> QuerySet[Invoice]:
    """The member's invoices, newest first."""
    return Invoice.objects.filter(member=member).order_by("-issued_at", "-id")


def invoice_of(member: User, number: str) -> Invoice:
    """The member's invoice ``number`` with its lines; 404 for anyone else's."""
    invoice = (
        Invoice.objects.filter(member=member, number=number)
        .select_related("member", "subscription__plan")
        .prefetch_related("lines")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice
