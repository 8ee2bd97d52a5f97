"""The timeline's item and tier lines are stored in English and read in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from appraisals.models import SubmissionEvent
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying

pytestmark = pytest.mark.django_db


def test_it_shows_the_item_and_tier_lines_in_the_readers_language(buyer: Any, catalog: Any) -> None:
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="express")
    submit_paying(submission)  # an Express case: its owner pays what Free doesn't cover
    created = submission.events.get(kind=SubmissionEvent.Kind.CREATED)
    submitted = submission.events.get(kind=SubmissionEvent.Kind.SUBMITTED)
    brand = submission.brand

    assert submitted.message == "Express (2 h) service"  # what is stored stays English
    with translation.override("zh-hans"):
        assert brand.name_zh_hans and brand.name_zh_hans in created.message_display
        assert brand.name not in created.message_display
        assert "服务" in submitted.message_display and "service" not in submitted.message_display
    with translation.override("en"):
        assert created.message_display == created.message
        assert submitted.message_display == "Express (2 h) service"
