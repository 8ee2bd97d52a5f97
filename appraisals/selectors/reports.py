"""Read-side queries of issued reports: by public token (anyone) or for their submitter (for
their holder: appraisals/selectors/custody.py)."""

from __future__ import annotations

from django.http import Http404

from appraisals.models import Report, SubmissionPhoto
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from members.models import User
from provenance.models import Document
from provenance.selectors import document_fields, document_for

# Ticked by default in the partial-proof form: what a resale listing usually needs.
PROOF_FIELDS_SUGGESTED = ("verdict.result", "item.brand", "item.category", "issued_at")


def report_get_public(*, token: str) -> Report:
    """A report by its unguessable token; an unknown token is a 404 like any other page."""
    report = (
        Report.objects.select_related(
            "submission__owner",
            "submission__brand",
            "submission__category",
            "submission__product_model",
        )
        .filter(public_token=token)
        .first()
    )
    if report is None:
        raise Http404("No report at this address.")
    return report


SIGNED_FILE_PRIVATE = (
    "This report was issued before serials became private: its signed file holds the item's "
    "full serial, so only the report's current holder can download it. Its verification page "
    "proves the same report without the serial."
)


def report_signed_file_public(report: Report) -> bool:
    """Whether anyone may download the signed document itself (canonical JSON, signed bundle).

    Not a version issued before serials became private whose document holds one: it can't be
    re-signed without it, so only its holder downloads it (``report_signed_file_for``); anyone
    else checks it through its proof bundle, whose default disclosure leaves the serial out.
    """
    return not (report.document.get("item") or {}).get("serial")


def report_get_for_owner(*, token: str, owner: User) -> Report:
    """A report of the user's own case, for what stays with the submitter after a transfer
    (their feedback, their name); what the holder may do is in appraisals/selectors/custody.py."""
    report = report_get_public(token=token)
    if report.submission.owner_id != owner.pk:
        raise Http404("No report at this address.")
    return report


def report_photo_get(*, token: str, sha_prefix: str) -> SubmissionPhoto:
    """A photo the report's signed document lists, by the first 16 hex digits of its hash."""
    report = report_get_public(token=token)
    if len(sha_prefix) != 16:
        raise Http404("No such photo.")
    listed = {p["sha256"] for p in report.document.get("photos", [])}
    for photo in report.submission.photos.all():
        if photo.sha256.startswith(sha_prefix) and photo.sha256 in listed:
            return photo
    raise Http404("No such photo.")


def report_latest_for_submission(*, submission_id: int) -> Report | None:
    """The version in force: the newest one, which no other supersedes."""
    return (
        Report.objects.filter(submission_id=submission_id, superseded_by__isnull=True)
        .order_by("-version")
        .first()
    )


def report_provenance_document(report: Report) -> Document | None:
    """The report's provenance record (registered when it was issued)."""
    return document_for(doc_type=REPORT_DOCUMENT_TYPE, doc_id=str(report.uid))


def report_proof_fields(report: Report | None) -> list[dict[str, object]]:
    """The report's fields its holder may reveal in a partial proof (type and id always are)."""
    document = report_provenance_document(report) if report is not None else None
    if document is None:
        return []
    return [
        {"key": key, "suggested": key in PROOF_FIELDS_SUGGESTED}
        for key in document_fields(document)
        if key not in ("type", "id")
    ]
