"""A correction revokes the version it replaces: whoever holds the report now (here someone
who received it by transfer, reading Chinese) is told, in the app and by email, with a link
to the corrected report; the submitter who passed it on is not."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from appraisals.services.custody import submission_holder_pass
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import report_signed_with_serial
from members.models import Notification
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_tells_the_holder_a_report_was_revoked(
    buyer: Any, catalog: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial="SN-55501")
    holder = UserFactory(language="zh-hans")
    submission_holder_pass(submission_ids=[report.submission_id], from_user=buyer, to_user=holder)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # the email goes on commit
        corrected = report_correct(
            report=report,
            changes={"condition": {**report.document["condition"], "grade": "good"}},
            reason="The grade was mistyped.",
        )

    (note,) = Notification.objects.filter(user=holder)
    assert report.reference in note.subject and "已撤销" in note.subject
    assert corrected.reference in note.body
    assert note.link == f"/r/{corrected.public_token}/"
    (message,) = [m for m in mail.outbox if m.to == [holder.email]]
    assert message.subject == note.subject
    assert not Notification.objects.filter(user=buyer, subject__contains="revoked").exists()
