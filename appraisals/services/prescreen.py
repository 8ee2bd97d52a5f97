"""The AI pre-screen of a queued submission: score the photos, read the serial, route.

Runs in the Celery worker only: ``ml.inference`` (and so torch) is imported inside the
function, never by the web process. The result is evidence for the experts; the buyer is
told only that the AI check is done and the case is waiting for an expert (the status page
shows its place in the queue; ``review_take_next`` tells them when an expert starts).
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image

from appraisals.models import (
    PreScreen,
    PreScreenPhoto,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
)
from appraisals.policies import ReviewBy, policy_for
from appraisals.queueing import task_enqueue_on_commit
from appraisals.routing import RoutingDecision, RoutingInput, RoutingPolicy, route
from appraisals.services.reviews import reviews_open
from appraisals.services.submissions import retake_notify, submission_event_add
from appraisals.services.transitions import submission_status_move
from members.services import notification_send
from membership.selectors.credit import credit_score
from ml.models import ModelVersion
from ml.selectors import model_version_active
from ml.services import artifact_path_resolve

logger = logging.getLogger(__name__)
Kind = SubmissionEvent.Kind

# The slot whose photo shows the serial or date code, per category, in order of preference.
SERIAL_SLOTS: dict[str, tuple[str, ...]] = {
    "handbag": ("date_code",),
    "watch": ("serial_engraving", "caseback"),
}
# An OCR reading below this confidence is shown to experts but never prefilled.
OCR_PREFILL_CONFIDENCE = 0.5
# Below this confidence, a reading that breaks the brand's format is taken for noise.
OCR_TRUST_CONFIDENCE = 0.7
FORMAT_FINDINGS = frozenset({"bad_format", "bad_length", "non_digit"})


class PreScreenUnavailable(Exception):
    """The classifier can't run now (no active version, a missing or corrupt artifact).

    Retryable: the case stays queued and is picked up again once a model is available.
    """


@dataclass(frozen=True)
class SerialEvidence:
    read: str
    confidence: float
    match: str
    check: dict[str, object]
    findings: tuple[str, ...]
    unreadable_slot: tuple[str, str] | None


def _load_screener(version: ModelVersion):  # noqa: ANN202 - torch types stay out of this module
    from ml.artifact import ArtifactError, artifact_sha256
    from ml.inference import screener_get

    path = artifact_path_resolve(version.artifact_path)
    if not path.exists():
        raise PreScreenUnavailable(f"The model file of {version.name} is missing: {path}")
    digest = artifact_sha256(path)
    if digest != version.artifact_sha256:
        raise PreScreenUnavailable(
            f"The model file of {version.name} has changed on disk (SHA-256 {digest[:12]}… "
            f"instead of {version.artifact_sha256[:12]}…); re-register it."
        )
    try:
        return screener_get(path, digest, threads=settings.ML_TORCH_THREADS)
    except ArtifactError as error:
        raise PreScreenUnavailable(f"The model {version.name} can't be loaded: {error}") from error


def _open_rgb(photo: SubmissionPhoto) -> Image.Image:
    with photo.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image.convert("RGB")


def _serial_evidence(
    submission: Submission, photos: list[SubmissionPhoto], opened: dict[int, Image.Image]
) -> SerialEvidence:
    from ml.ocr import OcrUnavailable, serial_read
    from ml.serials import serial_check, serial_compare

    by_code = {p.slot.code: p for p in photos}
    slot_codes = SERIAL_SLOTS.get(submission.category.slug, ())
    photo = next((by_code[c] for c in slot_codes if c in by_code), None)
    raw, confidence = "", 0.0
    if photo is not None:
        try:
            image = opened.get(photo.pk) or _open_rgb(photo)
            reading = serial_read(image, brand=submission.brand.name)
            raw, confidence = reading.normalized, reading.confidence
        except OcrUnavailable:
            logger.warning("tesseract is not installed: serial codes are not read")
    read = raw
    if raw and confidence < OCR_TRUST_CONFIDENCE:
        # Tesseract turns texture into letters; an unsure reading that doesn't even have the
        # brand's format is noise, not a code that breaks the rules.
        shape = {f.code for f in serial_check(brand=submission.brand.name, serial=raw).findings}
        if shape & FORMAT_FINDINGS:
            read = ""
    typed = submission.serial_code if submission.serial_source != "ocr" else ""
    match = serial_compare(typed=typed, read=read)
    code = typed or read
    check: dict[str, object] = {"ocr_raw": raw, "ocr_confidence": round(confidence, 3)}
    findings: tuple[str, ...] = ()
    if code:
        result = serial_check(brand=submission.brand.name, serial=code)
        check |= result.to_dict()
        findings = tuple(f.message for f in result.findings)
    unreadable = None
    if photo is not None and not read and not typed and photo.slot.required:
        unreadable = (photo.slot.code, photo.slot.name)
    return SerialEvidence(read, confidence if read else 0.0, match, check, findings, unreadable)


def _qa_draw(submission: Submission) -> float:
    # Stable per case, so a retried task draws the same number.
    return int(submission.uid.hex[:8], 16) / 0x1_0000_0000


def _routing_input(
    submission: Submission, probability: float | None, serial: SerialEvidence
) -> RoutingInput:
    model = submission.product_model
    # The higher of what the buyer declares and what such a model typically fetches.
    values = [v for v in (submission.declared_value_eur, model and model.typical_value_eur) if v]
    return RoutingInput(
        tier=submission.tier,
        item_value_eur=max(values) if values else None,
        probability=probability,
        serial_findings=serial.findings,
        serial_match=serial.match,
        unreadable_required=(serial.unreadable_slot,) if serial.unreadable_slot else (),
        qa_draw=_qa_draw(submission),
        # Only where routing decides the depth (not a sandbox case's fixed bot review).
        credit_band=credit_score(submission.owner).band
        if policy_for(submission).review_depth is None
        else "",
    )


def submission_prescreen_run(*, submission_id: int, round: int) -> str:
    """Pre-screen a queued case once per round; returns the outcome (or "skipped").

    Raises ``PreScreenUnavailable`` when no usable model exists; the case stays queued.
    """
    submission = Submission.objects.select_related(
        "category", "brand", "product_model", "owner"
    ).get(pk=submission_id)
    if submission.status != Status.QUEUED or submission.round != round:
        return "skipped"
    version = model_version_active()
    if version is None:
        raise PreScreenUnavailable(
            "No classifier is active: train one with `manage.py train_classifier` or activate "
            "a version in the admin."
        )
    started = time.perf_counter()
    screener = _load_screener(version)
    photos = list(submission.photos.select_related("slot").order_by("slot__position"))
    screened = [p for p in photos if p.slot.code in screener.slots]
    images = [_open_rgb(p) for p in screened]
    scores = screener.score(images, [p.slot.code for p in screened]) if screened else []
    # The date-code photo is usually among the scored ones: decode it once for both.
    serial = _serial_evidence(
        submission, photos, {p.pk: image for p, image in zip(screened, images, strict=True)}
    )
    # The strongest photo decides: one convincing deviation is enough to doubt the item.
    probability = max((s.probability for s in scores), default=None)
    decision = route(_routing_input(submission, probability, serial), RoutingPolicy.from_settings())
    seconds = time.perf_counter() - started

    from ml.inference import heatmap_overlay

    written: list[str] = []
    try:
        heatmaps = []
        for image, score in zip(images, scores, strict=True):
            buffer = io.BytesIO()
            heatmap_overlay(image, score.heatmap).save(buffer, format="JPEG", quality=85)
            name = default_storage.save(
                f"heatmaps/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.jpg",
                ContentFile(buffer.getvalue()),
            )
            written.append(name)
            heatmaps.append(name)
        with transaction.atomic():
            outcome = _record(
                submission_id, round, version, probability, serial, decision, seconds,
                list(zip(screened, scores, heatmaps, strict=True)),
            )  # fmt: skip
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    if outcome == "skipped":
        for name in written:
            default_storage.delete(name)
    return outcome


def _record(
    submission_id: int,
    round: int,
    version: ModelVersion,
    probability: float | None,
    serial: SerialEvidence,
    decision: RoutingDecision,
    seconds: float,
    scored: list[tuple[SubmissionPhoto, object, str]],
) -> str:
    locked = Submission.objects.select_for_update().get(pk=submission_id)
    if locked.status != Status.QUEUED or locked.round != round:
        return "skipped"
    try:
        with transaction.atomic():
            prescreen = PreScreen.objects.create(
                submission=locked,
                round=round,
                model_version=version,
                probability=probability,
                band=decision.band,
                serial_read=serial.read,
                serial_confidence=serial.confidence,
                serial_match=serial.match,
                serial_check=serial.check,
                review_depth=decision.review_depth,
                priority=decision.priority,
                reasons=list(decision.reasons),
                retakes=[{"slot": r.slot_code, "hint": r.hint} for r in decision.retakes],
                seconds=seconds,
            )
    except IntegrityError:
        return "skipped"
    for photo, score, heatmap in scored:
        PreScreenPhoto.objects.create(
            prescreen=prescreen,
            photo=photo,
            probability=score.probability,  # type: ignore[attr-defined]
            feature_scores=dict(score.feature_scores),  # type: ignore[attr-defined]
            heatmap=heatmap,
        )
    link = reverse("appraisals:submission-detail", args=[locked.uid])
    if not locked.serial_code and serial.read and serial.confidence >= OCR_PREFILL_CONFIDENCE:
        locked.serial_code, locked.serial_source = serial.read, "ocr"
    policy = policy_for(locked)
    locked.priority = decision.priority
    locked.review_depth = policy.review_depth or decision.review_depth
    if decision.needs_retake and policy.requests_retakes:
        submission_status_move(submission=locked, to=Status.NEEDS_RETAKE)
        hints = [r.hint for r in decision.retakes]
        submission_event_add(locked, Kind.PRESCREENED, gettext_noop("Automatic checks done"))
        submission_event_add(locked, Kind.RETAKE_REQUESTED, " | ".join(hints)[:500])
        retake_notify(locked, hints, link=link)
        outcome = "needs_retake"
    else:
        submission_status_move(submission=locked, to=Status.AWAITING_EXPERT)
        reviews_open(submission=locked)
        if policy.review_by is ReviewBy.SANDBOX_BOT:
            task_enqueue_on_commit("appraisals.tasks.sandbox_review", locked.pk, locked.round)
        submission_event_add(locked, Kind.PRESCREENED, gettext_noop("Automatic checks done"))
        # Nobody has taken the case yet: it waits in the queue until an expert claims it.
        submission_event_add(
            locked, Kind.EXPERT_QUEUED, gettext_noop("Your case is waiting for an expert")
        )
        with translation.override(locked.owner.language):
            notification_send(
                user=locked.owner,
                subject=_("%(reference)s: AI check done, waiting for an expert")
                % {"reference": locked.reference},
                body=_(
                    "The automatic checks are done. Your case is now waiting for an expert; "
                    "its status page shows its place in the queue. You'll be notified when "
                    "the signed report is ready."
                ),
                link=link,
            )
        outcome = "awaiting_expert"
    locked.save(
        update_fields=[
            "serial_code",
            "serial_source",
            "priority",
            "review_depth",
            "status",
            "updated_at",
        ]
    )
    return outcome
