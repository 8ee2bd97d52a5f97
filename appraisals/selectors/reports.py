"""Read-side queries of issued reports: by public token (anyone) or for their owner."""

from __future__ import annotations

from django.http import Http404

from appraisals.models import Report, SubmissionPhoto
from members.models import User


def report_get_public(*, token: str) -> Report:
    """A report by its unguessable token; an unknown token is a 404 like any other page."""
    report = Report.objects.select_related("submission__owner").filter(public_token=token).first()
    if report is None:
        raise Http404("No report at this address.")
    return report


def report_get_for_owner(*, token: str, owner: User) -> Report:
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
