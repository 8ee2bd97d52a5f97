"""The AI pre-screen task on a queued submission: rows, heatmaps, OCR, routing, failures."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from PIL import Image

from appraisals.models import PreScreen, PreScreenPhoto, Status, SubmissionEvent
from appraisals.services.photos import submission_photo_upload
from appraisals.services.prescreen import PreScreenUnavailable, submission_prescreen_run
from appraisals.services.submissions import submission_details_update, submission_submit
from appraisals.tasks import submission_check_photos, submission_prescreen
from appraisals.tests.factories import draft_for
from members.models import Notification
from members.roles import Role
from members.tests.factories import UserFactory
from ml.features import SLOT_FEATURES, VISUAL_FEATURES
from ml.serials import serial_generate

pytestmark = pytest.mark.django_db


def _queued(owner: Any, category: Any, *, serial: str, capture: Any) -> Any:
    submission = draft_for(owner, category, with_photos=True)
    submission_details_update(submission=submission, serial_code=serial, tier="standard")
    with capture(execute=False):
        submission_submit(submission=submission)
        submission.refresh_from_db()
        assert submission_check_photos.apply(args=[submission.pk, submission.round]).get() == (
            "queued"
        )
    submission.refresh_from_db()
    return submission


def _valid_serial(brand: str) -> str:
    return serial_generate(brand=brand, rng=random.Random(3))


@pytest.fixture
def queued(buyer, catalog, django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    brand = draft_for(buyer, catalog["handbag"]).brand.name
    return _queued(
        buyer,
        catalog["handbag"],
        serial=_valid_serial(brand),
        capture=django_capture_on_commit_callbacks,
    )


def test_it_scores_every_screened_photo_and_hands_the_case_to_an_expert(
    queued,
    active_model,
    media_root: Path,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        outcome = submission_prescreen.apply(args=[queued.pk, queued.round]).get()
    assert outcome == "awaiting_expert"
    queued.refresh_from_db()
    assert queued.status == Status.AWAITING_EXPERT
    assert queued.review_depth in ("single", "double") and queued.priority >= 0
    prescreen = PreScreen.objects.get(submission=queued)
    assert prescreen.model_version == active_model
    assert prescreen.band in ("low", "medium", "high")
    assert prescreen.reasons
    scored = {s.photo.slot.code: s for s in prescreen.photos.select_related("photo__slot")}
    assert set(scored) == {"brand_stamp", "stitching", "hardware_engraving", "date_code"}
    for slot, score in scored.items():
        assert 0.0 <= score.probability <= 1.0
        visual = tuple(f for f in SLOT_FEATURES[slot] if f in VISUAL_FEATURES)
        assert set(score.feature_scores) == set(visual)
        heatmap = media_root / score.heatmap.name
        with Image.open(heatmap) as image:
            assert image.format == "JPEG" and image.width > 100
    assert prescreen.probability == max(s.probability for s in scored.values())
    kinds = list(queued.events.values_list("kind", flat=True))
    assert kinds[-2:] == [SubmissionEvent.Kind.PRESCREENED, SubmissionEvent.Kind.EXPERT_QUEUED]
    assert Notification.objects.filter(
        user=queued.owner, subject__contains="AI check done, waiting for an expert"
    ).exists()
    # Nobody has taken the case yet: the buyer is not told an expert is on it.
    assert any("waiting for an expert" in m.subject for m in mail.outbox)
    assert not any("an expert is reviewing" in m.subject for m in mail.outbox)


def test_running_it_twice_creates_nothing_twice(queued, active_model, media_root: Path) -> None:  # noqa: ANN001
    submission_prescreen.apply(args=[queued.pk, queued.round])
    files = sorted((media_root / "heatmaps").rglob("*.jpg"))
    assert submission_prescreen.apply(args=[queued.pk, queued.round]).get() == "skipped"
    assert PreScreen.objects.count() == 1
    assert PreScreenPhoto.objects.count() == 4
    assert sorted((media_root / "heatmaps").rglob("*.jpg")) == files


def test_the_buyer_sees_progress_but_no_verdict(
    client: Client,
    queued,
    active_model,  # noqa: ANN001
) -> None:
    submission_prescreen.apply(args=[queued.pk, queued.round])
    client.force_login(queued.owner)
    page = client.get(reverse("appraisals:submission-detail", args=[queued.uid])).content.decode()
    assert "Your case is waiting for an expert" in page
    prescreen = PreScreen.objects.get()
    for secret in ("probability", "counterfeit", f"{prescreen.probability:.3f}", "band"):
        assert secret not in page.lower()


def test_the_expert_sees_photo_heatmap_scores_and_serial_in_the_admin(
    client: Client,
    queued,
    active_model,  # noqa: ANN001
) -> None:
    submission_prescreen.apply(args=[queued.pk, queued.round])
    client.force_login(UserFactory(roles=[Role.EXPERT]))
    page = client.get(reverse("admin:appraisals_submission_change", args=[queued.pk]))
    body = page.content.decode()
    assert "Calibrated counterfeit probability" in body
    assert "Serial read by OCR" in body
    score = PreScreenPhoto.objects.first()
    heatmap_url = reverse("admin:appraisals_prescreenphoto_heatmap", args=[score.pk])
    assert heatmap_url in body
    response = client.get(heatmap_url)
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    for feature in score.feature_scores:
        assert feature in body


def test_ocr_prefills_the_serial_the_buyer_left_empty(
    buyer,
    catalog,
    active_model,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    from ml.synth.tags import render_serial_tag

    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    brand = submission.brand.name
    serial = _valid_serial(brand)
    tag, _ = render_serial_tag(brand=brand, serial=serial, rng=random.Random(1), size=720)
    buffer = io.BytesIO()
    tag.save(buffer, format="JPEG", quality=92)
    slot = submission.category.slots.get(code="date_code")
    photo = submission_photo_upload(submission=submission, slot=slot, data=buffer.getvalue())
    assert photo.quality_ok, photo.quality
    submission_details_update(submission=submission, serial_code="", tier="standard")
    with django_capture_on_commit_callbacks(execute=False):
        submission_submit(submission=submission)
        submission_check_photos.apply(args=[submission.pk, 1])
    assert submission_prescreen.apply(args=[submission.pk, 1]).get() == "awaiting_expert"
    submission.refresh_from_db()
    assert (submission.serial_code, submission.serial_source) == (serial, "ocr")
    prescreen = PreScreen.objects.get()
    assert prescreen.serial_read == serial and prescreen.serial_check["ok"] is True


def test_an_unreadable_date_code_with_no_typed_serial_asks_for_a_retake(
    buyer,
    catalog,
    active_model,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    queued = _queued(
        buyer, catalog["handbag"], serial="", capture=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_prescreen.apply(args=[queued.pk, queued.round]).get() == ("needs_retake")
    queued.refresh_from_db()
    assert queued.status == Status.NEEDS_RETAKE
    event = queued.events.get(kind=SubmissionEvent.Kind.RETAKE_REQUESTED, round=queued.round)
    assert "couldn't read the code" in event.message
    assert any("retake" in m.subject for m in mail.outbox)


def test_a_serial_that_breaks_the_rules_asks_for_a_second_expert(
    buyer,
    catalog,
    active_model,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    from ml.serials import SERIAL_VIOLATIONS

    brand = draft_for(buyer, catalog["handbag"]).brand.name
    violation = SERIAL_VIOLATIONS[brand][0]
    bad = serial_generate(brand=brand, rng=random.Random(4), violation=violation)
    queued = _queued(
        buyer, catalog["handbag"], serial=bad, capture=django_capture_on_commit_callbacks
    )
    submission_prescreen.apply(args=[queued.pk, queued.round])
    queued.refresh_from_db()
    prescreen = PreScreen.objects.get()
    assert queued.review_depth == "double"
    assert prescreen.serial_check["ok"] is False
    message = prescreen.serial_check["findings"][0]["message"]
    assert any(message in reason for reason in prescreen.reasons)


def test_without_an_active_model_it_fails_retryably_and_the_case_waits(queued) -> None:  # noqa: ANN001
    with pytest.raises(PreScreenUnavailable, match="No classifier is active"):
        submission_prescreen_run(submission_id=queued.pk, round=queued.round)
    assert PreScreenUnavailable in submission_prescreen.autoretry_for
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED
    assert not PreScreen.objects.exists()


@pytest.fixture
def own_model(db, settings, tiny_model_file: Path, tmp_path: Path):  # noqa: ANN001, ANN201
    """An active copy of the tiny model that a test may damage."""
    import json

    from ml.artifact import artifact_sha256, sidecar_path
    from ml.services import model_version_register

    folder = tmp_path / "models" / "mine"
    folder.mkdir(parents=True)
    path = folder / "model.pt"
    shutil.copy(tiny_model_file, path)
    settings.ML_MODELS_DIR = str(tmp_path / "models")
    version = model_version_register(
        name="mine",
        artifact_path=path,
        artifact_sha256=artifact_sha256(path),
        summary=json.loads(sidecar_path(tiny_model_file).read_text()),
        activate=True,
    )
    return version, path


def test_a_missing_model_file_is_a_clear_retryable_error(queued, own_model) -> None:  # noqa: ANN001
    _, path = own_model
    path.unlink()
    with pytest.raises(PreScreenUnavailable, match="model file of mine is missing"):
        submission_prescreen_run(submission_id=queued.pk, round=queued.round)
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED


def test_a_corrupt_model_file_is_a_clear_retryable_error(queued, own_model) -> None:  # noqa: ANN001
    import hashlib

    version, path = own_model
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(PreScreenUnavailable, match="has changed on disk"):
        submission_prescreen_run(submission_id=queued.pk, round=queued.round)
    # Even once registered with the damaged file's hash, it is refused with a reason.
    version.artifact_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    version.save()
    with pytest.raises(PreScreenUnavailable, match="can't be loaded"):
        submission_prescreen_run(submission_id=queued.pk, round=queued.round)
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED and not PreScreen.objects.exists()


def test_the_safety_net_requeues_a_case_left_waiting_for_its_prescreen(
    queued,
    active_model,
    settings,  # noqa: ANN001
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from appraisals.models import Submission
    from appraisals.tasks import submissions_requeue_stalled

    settings.PRESCREEN_STALL_SECONDS = 60
    Submission.objects.filter(pk=queued.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert submissions_requeue_stalled.apply().get() == 1
    queued.refresh_from_db()
    assert queued.status in (Status.AWAITING_EXPERT, Status.NEEDS_RETAKE)


def test_a_submitter_with_low_credit_gets_a_second_expert_and_is_told_why(
    buyer,
    queued,
    active_model,  # noqa: ANN001
) -> None:
    from membership.selectors.credit import credit_score
    from membership.services.credit import credit_signal_record

    for n in range(2):
        credit_signal_record(member=buyer, kind="chargeback", reference=f"test:chargeback:{n}")
    assert credit_score(buyer).band == "low"
    submission_prescreen.apply(args=[queued.pk, queued.round])
    queued.refresh_from_db()
    assert queued.review_depth == "double"
    reasons = PreScreen.objects.get().reasons
    assert any("credit score is low" in reason for reason in reasons)
    # A second expert looks; nothing is decided: the case waits for the experts' verdict.
    assert queued.status == Status.AWAITING_EXPERT
    assert not queued.reports.exists()
