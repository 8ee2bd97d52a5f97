"""Domain events become webhook events for the partner that owns the submission (a dispute's
for the partners that follow it: who opened it and who holds the report), and a revocation
(public, in the revocation feed) for every partner that follows them.

Each receiver runs inside the transaction that changed the domain (``webhook_emit`` queues the
deliveries on commit, so a rolled-back change sends nothing). A submission's owner is a
partner when it is some partner's account; the website's own buyers have no webhooks.
Status and state changes are seen by comparing with the value the row was loaded with.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.urls import reverse

from api.models import Partner
from api.serializers.submissions import photo_issues
from appraisals.models import Dispute, Report, Submission, SubmissionPhoto
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from appraisals.selectors.custody import dispute_follower_ids
from appraisals.signals import report_issued
from provenance.bundles import revocation_code
from provenance.models import Batch, Document
from provenance.selectors import revocation_entries
from provenance.signals import batch_confirmed, document_revoked
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


def _remember(sender: Any, instance: Any, **kwargs: Any) -> None:
    # From __dict__: a deferred field must not cost a query per loaded row.
    values = instance.__dict__
    instance._webhook_loaded = (values.get("status"), values.get("state"))  # noqa: SLF001


post_init.connect(_remember, sender=Submission, dispatch_uid="webhooks.submission_loaded")
post_init.connect(_remember, sender=Dispute, dispatch_uid="webhooks.dispute_loaded")


@receiver(post_save, sender=Submission, dispatch_uid="webhooks.submission_saved")
def _submission_saved(sender: Any, instance: Submission, created: bool, **kwargs: Any) -> None:
    previous = None if created else instance._webhook_loaded[0]  # noqa: SLF001
    if previous == instance.status:
        return
    instance._webhook_loaded = (instance.status, None)  # noqa: SLF001
    if created:
        return  # the partner made it, and the create call answered with it
    _emit(
        instance,
        EventType.SUBMISSION_STATUS_CHANGED,
        {"submission": _submission_ref(instance), "status": instance.status,
         "previous_status": previous},
    )  # fmt: skip


@receiver(post_save, sender=SubmissionPhoto, dispatch_uid="webhooks.photo_saved")
def _photo_saved(sender: Any, instance: SubmissionPhoto, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if instance.quality_ok or (fields is not None and "quality_ok" not in fields):
        return
    submission = instance.submission
    _emit(
        submission,
        EventType.PHOTO_REJECTED,
        {"submission": _submission_ref(submission), "slot": instance.slot.code,
         "issues": photo_issues(instance)},
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


@receiver(report_issued, dispatch_uid="webhooks.report_issued")
def _report_issued(sender: Any, report: Report, **kwargs: Any) -> None:
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


@receiver(document_revoked, dispatch_uid="webhooks.document_revoked")
def _document_revoked(sender: Any, revocation: Document, **kwargs: Any) -> None:
    """Every partner following ``report.revoked`` hears of a revoked report, with only what
    the public revocation feed shows; the report's own partner gets its richer event above."""
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


@receiver(batch_confirmed, dispatch_uid="webhooks.batch_confirmed")
def _batch_confirmed(sender: Any, batch: Batch, **kwargs: Any) -> None:
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


@receiver(post_save, sender=Dispute, dispatch_uid="webhooks.dispute_saved")
def _dispute_saved(sender: Any, instance: Dispute, created: bool, **kwargs: Any) -> None:
    previous = None if created else instance._webhook_loaded[1]  # noqa: SLF001
    if previous == instance.state:
        return
    instance._webhook_loaded = (None, instance.state)  # noqa: SLF001
    report = instance.report
    data = {
        "dispute": {"id": str(instance.uid), "state": instance.state,
                    "previous_state": previous, "outcome": instance.outcome or None,
                    "url": _url("api:dispute", instance.uid)},
        "report": _report_ref(report),
    }  # fmt: skip
    # Whoever the API shows the dispute to: who opened it and who holds the report now, not
    # the partner that submitted the case once the report has passed on with its item.
    for user_id in dispute_follower_ids(dispute=instance):
        partner = _partner_of(user_id)
        if partner is not None:
            webhook_emit(
                partner=partner,
                event_type=EventType.DISPUTE_UPDATED,
                data=data,
                sandbox=report.submission.sandbox,
            )
