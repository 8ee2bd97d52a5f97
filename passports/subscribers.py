"""What passports do when appraisals or disputes report a change (events/, docs/events.md): a
signed report version and a dispute's outcome each become an event on the item's passport."""

from __future__ import annotations

from appraisals.events import ReportIssued
from appraisals.models import Report
from disputes.events import DisputeStateChanged
from disputes.models import Dispute
from events.registry import subscriber
from passports.services import passport_record_dispute, passport_record_report


@subscriber(ReportIssued, name="passports.record_report")
def record_report(event: ReportIssued) -> None:
    report = Report.objects.select_related("submission", "supersedes").get(pk=event.report_id)
    passport_record_report(report=report)


@subscriber(DisputeStateChanged, name="passports.record_dispute_outcome")
def record_dispute_outcome(event: DisputeStateChanged) -> None:
    if event.state != Dispute.State.RESOLVED:
        return
    dispute = Dispute.objects.select_related("report", "corrected_report").get(pk=event.dispute_id)
    passport_record_dispute(dispute=dispute)
