"""Issuing the signed report: the canonical document, its signature, and corrected versions.

The document is built from the deciding review (the senior's when there was one, otherwise
the first expert's), lists every reviewer by pseudonymous ID, and holds only strings, ints,
booleans and nulls so that its canonical JSON (RFC 8785) is the same in any language. Its
top-level fields are the units of selective disclosure on chain, so each is self-contained.

The item's serial is not in the signed document, which anyone with the report's link reads:
only its last characters are (``item.serial_hint``). The anchored commitment holds the serial
as one more salted leaf, ``item.serial``, left out of every public disclosure, so the owner
alone can prove it later (docs/provenance.md, "Item identity").
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from appraisals.events import ReportIssued
from appraisals.models import (
    Feature,
    PreScreen,
    Report,
    Review,
    Status,
    Submission,
    SubmissionEvent,
    Verdict,
    serial_mask,
)
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from appraisals.policies import policy_for
from appraisals.selectors.custody import report_holder
from appraisals.services.submissions import submission_event_add
from appraisals.services.transitions import submission_status_move
from events.services import event_emit
from members.models import User
from members.services import notification_send
from provenance.canonical import document_sha256, utc_timestamp
from provenance.documents import document_register, document_revoke
from provenance.selectors import document_for
from provenance.signing import signer_get

Kind = SubmissionEvent.Kind
DOCUMENT_TYPE = REPORT_DOCUMENT_TYPE
# 2: the serial left the signed document for a private leaf of the commitment.
DOCUMENT_SCHEMA = 2
SERIAL_FIELD = "item.serial"


def _decimal(value: float | None, places: int = 3) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def expert_code_get(*, user: User) -> str:
    """The expert's pseudonymous ID for reports, assigned once: ``EX-`` and 6 hex digits."""
    if user.reviewer_code:
        return user.reviewer_code
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        while not locked.reviewer_code:
            code = f"EX-{secrets.token_hex(3).upper()}"
            if not User.objects.filter(reviewer_code=code).exists():
                locked.reviewer_code = code
                locked.save(update_fields=["reviewer_code"])
    user.reviewer_code = locked.reviewer_code
    return locked.reviewer_code


# Which report feature each screened slot's AI score speaks to (slots as in ml.features).
AI_SLOT_FEATURE: dict[str, str] = {
    "brand_stamp": Feature.BRAND_STAMP,
    "dial": Feature.BRAND_STAMP,
    "stitching": Feature.STITCHING,
    "hardware_engraving": Feature.HARDWARE,
    "caseback": Feature.HARDWARE,
    "date_code": Feature.SERIAL,
}


def _ai_section(prescreen: PreScreen | None) -> dict[str, Any] | None:
    if prescreen is None:
        return None
    version = prescreen.model_version
    # Per report feature, the strongest counterfeit probability among the photos that show it.
    per_feature: dict[str, float] = {}
    for score in prescreen.photos.select_related("photo__slot"):
        feature = AI_SLOT_FEATURE.get(score.photo.slot.code)
        if feature is not None:
            per_feature[feature] = max(per_feature.get(feature, 0.0), score.probability)
    return {
        "note": "An aid to the experts, not a verdict.",
        "probability_counterfeit": _decimal(prescreen.probability),
        "band": prescreen.band,
        "feature_probability_counterfeit": {
            feature: _decimal(value) for feature, value in sorted(per_feature.items())
        },
        "model_version": version.name,
        "model_sha256": version.artifact_sha256,
    }


def report_document_build(
    *,
    report_uid: str,
    version: int,
    supersedes: Report | None,
    submission: Submission,
    deciding: Review,
    reviewers: list[Review],
    prescreen: PreScreen | None,
    issued_at: datetime,
) -> dict[str, Any]:
    """The canonical document of a report version; see docs/report.md for every field."""
    photos = list(submission.photos.select_related("slot").order_by("slot__position"))
    photo_refs = {p.pk: {"slot": p.slot.code, "sha256": p.sha256} for p in photos}
    findings_by_feature = {f.feature: f for f in deciding.findings.all()}
    model = submission.product_model
    # Only a sandbox report carries the flag, so live documents keep their exact shape.
    label = {"sandbox": True} if policy_for(submission).labels_reports_sandbox else {}
    return {
        **label,
        "type": DOCUMENT_TYPE,
        "schema": DOCUMENT_SCHEMA,
        "id": report_uid,
        "version": version,
        "supersedes": str(supersedes.uid) if supersedes else None,
        "issued_at": utc_timestamp(issued_at),
        "issuer": {"name": "authplatform", "site": settings.SITE_URL},
        "case": {
            "reference": submission.reference,
            "tier": submission.tier,
            "submitted_at": utc_timestamp(submission.submitted_at or issued_at),
        },
        "item": {
            "category": submission.category.slug,
            "brand": submission.brand.name,
            "model": model.name if model else None,
            "model_reference": (model.reference or None) if model else None,
            "serial_hint": serial_mask(submission.serial_code) or None,
        },
        "verdict": {"result": deciding.verdict, "reason": deciding.verdict_reason or None},
        "findings": [
            {
                "feature": feature.value,
                "result": finding.result,
                "reason": finding.reason,
                "photo": photo_refs.get(finding.photo_id) if finding.photo_id else None,
                "region": finding.region,
            }
            for feature in Feature
            if (finding := findings_by_feature.get(feature.value)) is not None
        ],
        "condition": {
            "grade": deciding.condition_grade,
            "wear": deciding.wear_notes,
            "repairs": deciding.repairs,
            "replaced_parts": deciding.replaced_parts,
        },
        "ai": _ai_section(prescreen),
        "photos": [photo_refs[p.pk] for p in photos],
        "reviewers": [
            {
                "id": expert_code_get(user=seat.expert),
                "role": seat.stage,
                "signed_at": utc_timestamp(seat.signed_at),
                "decided": seat.pk == deciding.pk,
            }
            for seat in reviewers
            if seat.expert is not None and seat.signed_at is not None
        ],
    }


def report_commitment_body(document: dict[str, Any], serial: str | None) -> dict[str, Any]:
    """What is anchored for a report: its signed document plus the serial (null for none) as
    a private leaf, so every report's commitment has the same fields."""
    return {**document, "item": {**document["item"], "serial": serial or None}}


def _item_split(item: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """An item section as given (with a ``serial`` or not): the public one, and the serial."""
    public = {key: value for key, value in item.items() if key != "serial"}
    if "serial" not in item:
        return public, None
    serial = item["serial"] or None
    public["serial_hint"] = serial_mask(serial or "") or None
    return public, serial


def _committed_serial(report: Report) -> str | None:
    """The serial a version stands for: in its commitment, or in the document of a version
    issued before serials became private."""
    if "serial" in report.document.get("item", {}):
        return report.document["item"]["serial"] or None
    anchored = document_for(doc_type=DOCUMENT_TYPE, doc_id=str(report.uid))
    if anchored is not None:
        return anchored.body.get("item", {}).get("serial") or None
    return report.submission.serial_code or None


def _sign_and_save(
    *,
    document: dict[str, Any],
    serial: str | None,
    submission: Submission,
    supersedes: Report | None,
    issued_at: datetime,
) -> Report:
    """Sign and store a document; ``issued_at`` is the moment its ``issued_at`` field says."""
    signer = signer_get()
    # Registered for anchoring in the same transaction: no report without its provenance
    # record. A correction revokes the version it replaces, on chain too. The case's policy
    # may keep its reports off the chain (a partner's sandbox test).
    anchored = (
        document_register(body=report_commitment_body(document, serial), private=[SERIAL_FIELD])
        if policy_for(submission).anchors_reports
        else None
    )
    if supersedes is not None and anchored is not None:
        previous = document_for(doc_type=DOCUMENT_TYPE, doc_id=str(supersedes.uid))
        if previous is not None:
            document_revoke(
                document=previous,
                reason=document.get("correction", {}).get("reason", "corrected"),
                superseded_by=anchored.doc_id,
            )
    report = Report.objects.create(
        uid=uuid.UUID(document["id"]),
        submission=submission,
        version=document["version"],
        supersedes=supersedes,
        verdict=document["verdict"]["result"],
        document=document,
        sha256=document_sha256(document),
        signature=signer.sign_document(document),
        signer=signer.address,
        issued_at=issued_at,
    )
    event_emit(
        ReportIssued(
            submission_id=submission.pk,
            report_id=report.pk,
            supersedes_id=supersedes.pk if supersedes is not None else None,
        )
    )
    return report


def _now() -> datetime:
    # Whole seconds: the document states the time to the second, and the row must agree.
    return timezone.now().replace(microsecond=0)


def report_issue(*, submission: Submission, deciding: Review) -> Report:
    """Issue version 1 of a case's report from its deciding review, and tell the buyer.

    Called by the review service inside its transaction, with ``submission`` the row it
    locked.
    """
    if submission.reports.exists():
        raise ValidationError(_("This case already has a report; issue a correction instead."))
    now = _now()
    reviewers = list(
        Review.objects.filter(
            submission=submission, round=deciding.round, state=Review.State.SIGNED
        )
        .select_related("expert")
        .order_by("signed_at", "id")
    )
    prescreen = (
        submission.prescreens.filter(round=deciding.round).select_related("model_version").first()
    )
    document = report_document_build(
        report_uid=str(uuid.uuid4()),
        version=1,
        supersedes=None,
        submission=submission,
        deciding=deciding,
        reviewers=reviewers,
        prescreen=prescreen,
        issued_at=now,
    )
    report = _sign_and_save(
        document=document,
        serial=submission.serial_code or None,
        submission=submission,
        supersedes=None,
        issued_at=now,
    )
    submission_status_move(submission=submission, to=Status.COMPLETED)
    submission.completed_at = now
    late = submission.due_at is not None and now > submission.due_at
    if late and submission.sla_breached_at is None and policy_for(submission).counts_for_sla:
        submission.sla_breached_at = submission.due_at
    submission.save(update_fields=["status", "completed_at", "sla_breached_at", "updated_at"])
    submission_event_add(submission, Kind.REPORT_ISSUED, report.reference)
    if report.verdict == Verdict.INCONCLUSIVE:
        submission_event_add(
            submission,
            Kind.REFUND_DUE,
            gettext_noop("The case could not be settled; your fee is refunded."),
        )
    _notify_owner(submission, report)
    return report


def _notify_owner(submission: Submission, report: Report) -> None:
    owner = submission.owner
    with translation.override(owner.language):
        notification_send(
            user=owner,
            subject=_("%(reference)s: your signed report is ready")
            % {"reference": submission.reference},
            body=_(
                "The experts have finished. Your report %(report)s is signed and can be "
                "verified by anyone from its public page."
            )
            % {"report": report.reference},
            link=reverse("appraisals:submission-detail", args=[submission.uid]),
        )


# The parts of a report a correction may change; the rest is history and stays as issued.
CORRECTABLE_FIELDS = ("item", "verdict", "condition", "findings")


def report_correct(*, report: Report, changes: dict[str, Any], reason: str) -> Report:
    """Issue a new version that supersedes ``report`` with some top-level fields replaced.

    For clerical errors and dispute outcomes. The original stays readable and verifiable; its
    page links to the version that replaced it.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is corrected.")})
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {
                "changes": _("These fields can't be corrected: %(fields)s")
                % {"fields": ", ".join(unknown)}
            }
        )
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if Report.objects.filter(supersedes=current).exists():
            raise ValidationError(_("This version was already superseded; correct the latest one."))
        now = _now()
        document = {**current.document, **changes}
        # A new serial may come with the changes; otherwise the version keeps the one it
        # corrects. Either way it leaves the signed document (a version issued before serials
        # became private had it there).
        serial = _committed_serial(current)
        if isinstance(document.get("item"), dict):
            document["item"], given = _item_split(document["item"])
            if isinstance(changes.get("item"), dict) and "serial" in changes["item"]:
                serial = given
            if serial and not document["item"].get("serial_hint"):
                document["item"]["serial_hint"] = serial_mask(serial)
        document.update(
            schema=DOCUMENT_SCHEMA,
            id=str(uuid.uuid4()),
            version=current.version + 1,
            supersedes=str(current.uid),
            issued_at=utc_timestamp(now),
            correction={"reason": reason},
        )
        if document["verdict"].get("result") not in Verdict.values:
            raise ValidationError({"verdict": _("Choose authentic, counterfeit or inconclusive.")})
        corrected = _sign_and_save(
            document=document,
            serial=serial,
            submission=current.submission,
            supersedes=current,
            issued_at=now,
        )
        submission_event_add(
            current.submission,
            Kind.REPORT_ISSUED,
            f"{corrected.reference} (corrects {current.reference})",
        )
        _notify_holder_revoked(current, corrected)
    return corrected


def _notify_holder_revoked(revoked: Report, corrected: Report) -> None:
    """The report's current holder (its submitter, or whoever received it by transfer) hears
    that the version they may have shown someone is revoked, and where its successor is."""
    holder = report_holder(corrected)
    with translation.override(holder.language):
        notification_send(
            user=holder,
            subject=_("%(reference)s is revoked: a corrected report replaces it")
            % {"reference": revoked.reference},
            body=_(
                "Report %(revoked)s was corrected and is revoked: anyone who verifies it is "
                "told so and pointed to the corrected report %(corrected)s. Share the "
                "corrected one from now on."
            )
            % {"revoked": revoked.reference, "corrected": corrected.reference},
            link=reverse("public:report", args=[corrected.public_token]),
        )
