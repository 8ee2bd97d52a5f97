"""The data migration of trust model v2 (passports 0002, appraisals 0008) on rows made the
old way: a stranger's report merged by serial onto an owner's passport is split off and
flagged, the owner's own later report stays, and holders follow the chain of custody."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from appraisals.models import Report
from appraisals.selectors.custody import report_holder
from appraisals.tasks import submission_check_photos, submission_prescreen
from appraisals.tests.reviewing import report_signed_with_serial
from members.tests.factories import UserFactory
from passports.models import Item, ItemLinkProposal, PassportEvent
from passports.services import transfer_accept, transfer_propose

BEFORE = [("passports", "0001_initial"), ("appraisals", "0007_submission_partner_fields")]


def _migrate(targets: list[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _merged_the_old_way(owner: Any, stranger: Any, catalog: dict[str, Any]) -> list[Report]:
    """Reports of the owner (two) and a stranger on one serial, all put on the owner's item,
    as the matching by serial used to do."""
    reports = [
        report_signed_with_serial(owner, catalog["handbag"], serial="77441234"),
        report_signed_with_serial(owner, catalog["handbag"], serial="7744 1234"),
        report_signed_with_serial(stranger, catalog["handbag"], serial="7744-1234"),
    ]
    first = reports[0].passport_events.get().item
    ItemLinkProposal.objects.all().delete()
    PassportEvent.objects.exclude(item=first).update(item=first)
    Item.objects.exclude(pk=first.pk).delete()
    return reports


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_a_strangers_report_and_follows_custody(
    catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real commits here (the migrations need them), so tasks queued on commit would run: the
    # helpers run the photo check themselves and hand the case to the experts directly.
    for task in (submission_check_photos, submission_prescreen):
        monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)
    owner = UserFactory(email="owner@example.com")
    stranger = UserFactory(email="stranger@example.com")
    buyer = UserFactory(email="next.owner@example.com")
    first, second, strangers = _merged_the_old_way(owner, stranger, catalog)
    item = Item.objects.get()
    # The owner later sold the item, passport and all, the old way.
    transfer = transfer_propose(item=item, owner=owner, to_email=buyer.email)
    transfer_accept(token=transfer.token, user=buyer)
    try:
        _migrate(BEFORE)
        _migrate()
    finally:
        _migrate()

    item.refresh_from_db()
    assert item.owner == buyer
    # The owner's own reports stay on the passport; the stranger's has one of its own.
    assert {e.report for e in item.events.exclude(report=None)} == {first, second}
    split = strangers.passport_events.get().item
    assert split != item and split.owner == stranger and split.serial == item.serial
    proposal = ItemLinkProposal.objects.get()
    assert (proposal.item, proposal.target, proposal.submission) == (
        split,
        item,
        strangers.submission,
    )
    assert proposal.owners_differ and proposal.state == ItemLinkProposal.State.PROPOSED
    # Custody: the owner's reports went with the sale; the stranger's never were the owner's.
    assert [report_holder(r) for r in (first, second, strangers)] == [buyer, buyer, stranger]
