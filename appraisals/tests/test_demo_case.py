"""`load_demo` leaves a demo case that passes the photo checks and reaches the expert queue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from appraisals.models import Status, Submission
from appraisals.tasks import submission_check_photos
from members.models import User

pytestmark = pytest.mark.django_db


def test_load_demo_submits_a_case_whose_photos_all_pass(
    settings, tmp_path, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=False):
        call_command("load_demo")
    buyer = User.objects.get(email="buyer@demo.authplatform.test")
    submission = Submission.objects.get(owner=buyer)
    assert submission.status == Status.SUBMITTED
    failing = {p.slot.code: p.issues for p in submission.photos.all() if not p.quality_ok}
    assert failing == {}
    assert submission_check_photos.apply(args=[submission.pk, submission.round]).get() == "queued"
    with django_capture_on_commit_callbacks(execute=False):
        call_command("load_demo")  # a rerun adds nothing
    assert Submission.objects.filter(owner=buyer).count() == 1
