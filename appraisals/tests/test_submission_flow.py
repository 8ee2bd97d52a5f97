"""A buyer goes from "New appraisal" to "Submitted" through the pages, in at most 5 steps."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from appraisals.models import Brand, Status, Submission, SubmissionEvent
from members.models import Notification
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def _upload(client: Client, submission: Submission, slot_code: str, data: bytes, **extra):  # noqa: ANN003, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("appraisals:submission-photo-upload", args=[submission.uid, slot_code]),
        {"photo": SimpleUploadedFile(f"{slot_code}.jpg", data, content_type="image/jpeg")},
        **extra,
    )


def test_a_buyer_submits_a_handbag_and_an_expert_gets_it(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    on_commit = django_capture_on_commit_callbacks
    client.force_login(buyer)
    handbag = catalog["handbag"]
    brand = Brand.objects.get(name="Louis Vuitton")
    model = brand.models.get(name="Speedy 30")

    # Step 1: the item. The draft exists from here on.
    response = client.post(
        reverse("appraisals:submission-start"),
        {"category": handbag.pk, "brand": brand.pk, "product_model": model.pk},
    )
    submission = Submission.objects.get(owner=buyer)
    assert response["Location"] == reverse("appraisals:submission-photos", args=[submission.uid])
    assert submission.status == Status.DRAFT

    # Step 2: one photo per slot, each checked on upload (htmx swaps the slot card).
    page = client.get(response["Location"])
    for slot in handbag.slots.all():
        assert slot.instruction in page.content.decode()
    for index, slot in enumerate(handbag.slots.order_by("position")):
        card = _upload(client, submission, slot.code, good_jpeg(index), HTTP_HX_REQUEST="true")
        assert card.status_code == 200
        assert "Accepted" in card.content.decode(), slot.code
    assert submission.photos.filter(quality_ok=True).count() == handbag.slots.count()

    # Steps 3 and 4: serial code and tier.
    response = client.post(
        reverse("appraisals:submission-details", args=[submission.uid]),
        {"serial_code": " ar 1234 ", "tier": "standard"},
    )
    assert response["Location"] == reverse("appraisals:submission-review", args=[submission.uid])

    # Step 5: review and submit. The photo re-check and then the AI pre-screen run (eagerly
    # here) after commit.
    # The month's free appraisal (every member's Free plan) covers a Standard case.
    review = client.get(response["Location"])
    assert b"Submit for authentication" in review.content
    assert b"Covered by one of your free appraisals" in review.content
    with on_commit(execute=True):
        response = client.post(reverse("appraisals:submission-review", args=[submission.uid]))
    assert response["Location"] == reverse("appraisals:submission-detail", args=[submission.uid])

    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_EXPERT
    assert submission.serial_code == "AR 1234"
    assert submission.tier == "standard"
    assert (submission.due_at - submission.submitted_at).total_seconds() == 24 * 3600
    kinds = list(submission.events.values_list("kind", flat=True))
    assert kinds == [
        SubmissionEvent.Kind.CREATED,
        SubmissionEvent.Kind.SUBMITTED,
        SubmissionEvent.Kind.PHOTOS_ACCEPTED,
        SubmissionEvent.Kind.QUEUED,
        SubmissionEvent.Kind.PRESCREENED,
        SubmissionEvent.Kind.EXPERT_QUEUED,
    ]
    assert all(p.checked_at for p in submission.photos.all())
    subjects = list(Notification.objects.filter(user=buyer).values_list("subject", flat=True))
    assert any("photos accepted" in s for s in subjects)
    assert any("photos accepted" in m.subject for m in mail.outbox)

    # The status page and its live timeline show the same.
    status_page = client.get(response["Location"]).content.decode()
    assert "Your case is waiting for an expert" in status_page
    assert "An expert is reviewing" not in status_page
    timeline = client.get(reverse("appraisals:submission-timeline", args=[submission.uid]))
    assert "Photos accepted" in timeline.content.decode()

    # "My submissions" lists it with its status.
    listing = client.get(reverse("appraisals:submission-list")).content.decode()
    assert submission.reference in listing and "With an expert" in listing


def test_the_draft_survives_leaving_and_coming_back(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    client.force_login(buyer)
    watch = catalog["watch"]
    brand = Brand.objects.get(name="Rolex")
    client.post(reverse("appraisals:submission-start"), {"category": watch.pk, "brand": brand.pk})
    submission = Submission.objects.get(owner=buyer)
    _upload(client, submission, "dial", good_jpeg(0))

    other_session = Client()
    other_session.force_login(buyer)
    listing = other_session.get(reverse("appraisals:submission-list")).content.decode()
    resume = reverse("appraisals:submission-photos", args=[submission.uid])
    assert resume in listing  # "Continue" goes to the first incomplete step
    page = other_session.get(resume).content.decode()
    assert (
        reverse(
            "appraisals:submission-photo-image", args=[submission.uid, submission.photos.get().pk]
        )
        in page
    )


def test_a_missing_required_slot_blocks_submission_and_is_named(
    client: Client,
    buyer,
    catalog,  # noqa: ANN001
) -> None:
    client.force_login(buyer)
    watch = catalog["watch"]
    client.post(
        reverse("appraisals:submission-start"),
        {"category": watch.pk, "brand": Brand.objects.get(name="Omega").pk},
    )
    submission = Submission.objects.get(owner=buyer)
    for index, slot in enumerate(watch.slots.exclude(code="caseback")):
        _upload(client, submission, slot.code, good_jpeg(index))
    client.post(
        reverse("appraisals:submission-details", args=[submission.uid]), {"tier": "standard"}
    )
    response = client.post(reverse("appraisals:submission-review", args=[submission.uid]))
    assert response.status_code == 400
    assert "Add a photo for “Caseback” (required)." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_a_batch_upload_fills_the_empty_slots_and_a_photo_can_be_moved(
    client: Client,
    buyer,
    catalog,  # noqa: ANN001
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(buyer)
    watch = catalog["watch"]
    client.post(
        reverse("appraisals:submission-start"),
        {"category": watch.pk, "brand": Brand.objects.get(name="Cartier").pk},
    )
    submission = Submission.objects.get(owner=buyer)
    files = [
        SimpleUploadedFile(f"IMG_{n}.jpg", good_jpeg(n), content_type="image/jpeg")
        for n in range(3)
    ]
    response = client.post(
        reverse("appraisals:submission-photos-batch", args=[submission.uid]),
        {"photos": files},
        follow=True,
    )
    assert "Placed 3 photos" in response.content.decode()
    slots = list(submission.photos.order_by("slot__position").values_list("slot__code", flat=True))
    assert slots == ["dial", "caseback", "crown"]

    dial = submission.photos.get(slot__code="dial")
    client.post(
        reverse("appraisals:submission-photo-move", args=[submission.uid, dial.pk]),
        {"slot": "crown"},
    )
    moved = {p.slot.code: p.sha256 for p in submission.photos.select_related("slot")}
    assert moved["crown"] == dial.sha256
    assert moved["dial"] != dial.sha256
    assert len(moved) == 3


def test_a_retake_replaces_the_photo_and_deletes_the_old_file(
    client: Client,
    buyer,
    catalog,
    media_root,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    on_commit = django_capture_on_commit_callbacks
    from conftest import stored_files
    from tests.photos import blurry_jpeg

    client.force_login(buyer)
    watch = catalog["watch"]
    client.post(
        reverse("appraisals:submission-start"),
        {"category": watch.pk, "brand": Brand.objects.get(name="Rolex").pk},
    )
    submission = Submission.objects.get(owner=buyer)
    with on_commit(execute=True):
        card = _upload(client, submission, "dial", blurry_jpeg(0), HTTP_HX_REQUEST="true")
    assert "Retake needed" in card.content.decode()
    assert "Blurry" in card.content.decode()
    with on_commit(execute=True):
        card = _upload(client, submission, "dial", good_jpeg(0), HTTP_HX_REQUEST="true")
    assert "Accepted" in card.content.decode()
    photo = submission.photos.get()
    assert photo.attempts == 2 and not photo.first_attempt_accepted and photo.quality_ok
    assert stored_files(media_root) == [media_root / photo.image.name]
