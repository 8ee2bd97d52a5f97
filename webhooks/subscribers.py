"""Domain events (events/, docs/events.md) become webhook events for the partner that owns the
submission (a dispute's for the partners that follow it: who opened it and who holds the
report), and a revocation (public, in the revocation feed) for every partner that follows them.

Each subscriber runs once per domain event, in the transaction that records its delivery, so a
webhook event is stored once (``webhook_emit`` enqueues the sends when that commits). What
changed comes from the domain event itself (status, state, outcome), not from the row as it is
by the time the event is delivered. A submission's owner is a partner when it is some
partner's account; the website's own buyers have no webhooks. webhooks/schema.py describes
each event's data, and its test checks real deliveries against it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from api.models import Partner
from api.serializers.submissions import photo_issues
from appraisals.events import PhotoRejected, ReportIssued, SubmissionStatusChanged
from appraisals.models import Report, Submission, SubmissionPhoto
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from disputes.events import DisputeStateChanged
from disputes.models import Dispute
from disputes.selectors import dispute_follower_ids
from events.registry import subscriber
from provenance.bundles import revocation_code
from provenance.events import BatchStateChanged, DocumentRevoked
from provenance.models import Batch, Document
from provenance.selectors import revocation_entries
from webhooks.models import EventType
from webhooks.services import webhook_broadcast, webhook_emit


def _partner_of(owner_id: int) -> Partner | None:
    return Partner.objects.filter(account_id=owner_id).first()


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _submission_ref(submission: Submission) -> dict[str, Any]:
    return {
        "id": str(submission.uid),
        "reference": submission.reference,
        "external_reference": submission.external_reference,
        "url": _url("api:submission", submission.uid),
    }


def _emit(submission: Submission, event_type: str, data: dict[str, Any]) -> None:
    partner = _partner_of(submission.owner_id)
    if partner is not None:
        webhook_emit(partner=partner, event_type=event_type, data=data, sandbox=submission.sandbox)


@subscriber(SubmissionStatusChanged, name="webhooks.submission_status_changed")
def submission_status_changed(event: SubmissionStatusChanged) -> None:
    submission = Submission.objects.get(pk=event.submission_id)
    _emit(
        submission,
        EventType.SUBMISSION_STATUS_CHANGED,
        {"submission": _submission_ref(submission), "status": event.status,
         "previous_status": event.previous_status},
    )  # fmt: skip


@subscriber(PhotoRejected, name="webhooks.photo_rejected")
def photo_rejected(event: PhotoRejected) -> None:
    photo = SubmissionPhoto.objects.select_related("submission", "slot").get(pk=event.photo_id)
    submission = photo.submission
    _emit(
        submission,
        EventType.PHOTO_REJECTED,
        {"submission": _submission_ref(submission), "slot": photo.slot.code,
         "issues": photo_issues(photo)},
    )  # fmt: skip


def _report_ref(report: Report) -> dict[str, Any]:
    return {
        "id": str(report.uid),
        "version": report.version,
        "verdict": report.verdict,
        "sha256": report.sha256,
        "url": _url("api:report", report.uid),
        "public_url": _url("public:report", report.public_token),
    }


@subscriber(ReportIssued, name="webhooks.report_issued")
def report_issued(event: ReportIssued) -> None:
    report = Report.objects.select_related("submission", "supersedes").get(pk=event.report_id)
    submission = report.submission
    _emit(
        submission,
        EventType.REPORT_ISSUED,
        {"submission": _submission_ref(submission), "report": _report_ref(report)},
    )
    old = report.supersedes
    if old is not None:
        correction = report.document.get("correction") or {}
        _emit(
            submission,
            EventType.REPORT_REVOKED,
            {"submission": _submission_ref(submission), "report": _report_ref(old),
             "superseded_by": _report_ref(report), "reason": correction.get("reason", ""),
             "reason_code": revocation_code(report.uid)},
        )  # fmt: skip


@subscriber(DocumentRevoked, name="webhooks.document_revoked")
def document_revoked(event: DocumentRevoked) -> None:
    """Every partner following ``report.revoked`` hears of a revoked report, with only what
    the public revocation feed shows; the report's own partner gets its richer event above."""
    revocation = Document.objects.get(pk=event.notice_id)
    revokes = revocation.body.get("revokes") or {}
    if revokes.get("type") != REPORT_DOCUMENT_TYPE:
        return
    (entry,) = revocation_entries([revocation])
    owner_id = (
        Report.objects.filter(uid=revokes["id"])
        .values_list("submission__owner_id", flat=True)
        .first()
    )
    owner = _partner_of(owner_id) if owner_id is not None else None
    successor = entry["successor"]
    webhook_broadcast(
        event_type=EventType.REPORT_REVOKED,
        data={
            "report": {"id": revokes["id"], "verify_url": entry["revoked"]["verify_url"]},
            "superseded_by": None
            if successor is None
            else {"id": successor["id"], "verify_url": successor["verify_url"]},
            "reason_code": entry["reason_code"],
            "revocation": entry,
        },
        sandbox=False,
        exclude_partner_ids=[owner.pk] if owner is not None else [],
    )


@subscriber(BatchStateChanged, name="webhooks.anchor_confirmed")
def anchor_confirmed(event: BatchStateChanged) -> None:
    if event.state != Batch.State.CONFIRMED:
        return
    batch = Batch.objects.select_related("deployment").get(pk=event.batch_id)
    ids = batch.documents.filter(doc_type=REPORT_DOCUMENT_TYPE).values_list("doc_id", flat=True)
    reports = Report.objects.filter(uid__in=list(ids)).select_related("submission")
    anchor = {
        "chain_id": batch.deployment.chain_id,
        "contract": batch.deployment.address,
        "batch": batch.seq,
        "block_number": batch.block_number,
        "block_hash": batch.block_hash,
    }
    for report in reports:
        _emit(
            report.submission,
            EventType.ANCHOR_CONFIRMED,
            {"submission": _submission_ref(report.submission), "report": _report_ref(report),
             "anchor": anchor, "verify_url": _url("api:verify-report", report.uid)},
        )  # fmt: skip


@subscriber(DisputeStateChanged, name="webhooks.dispute_updated")
def dispute_updated(event: DisputeStateChanged) -> None:
    dispute = Dispute.objects.select_related("report__submission").get(pk=event.dispute_id)
    report = dispute.report
    data = {
        "dispute": {"id": str(dispute.uid), "state": event.state,
                    "previous_state": event.previous_state, "outcome": event.outcome or None,
                    "url": _url("api:dispute", dispute.uid)},
        "report": _report_ref(report),
    }  # fmt: skip
    # Whoever the API shows the dispute to: who opened it and who holds the report now, not
    # the partner that submitted the case once the report has passed on with its item.
    for user_id in dispute_follower_ids(dispute=dispute):
        partner = _partner_of(user_id)
        if partner is not None:
            webhook_emit(
                partner=partner,
                event_type=EventType.DISPUTE_UPDATED,
                data=data,
                sandbox=report.submission.sandbox,
            )
