"""Helpers for the tests of paying for a case: a draft ready to submit, a pass, staff who mark
invoices paid, and the review step's button pressed through the page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from appraisals.models import Category, Submission
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for
from members.models import User
from membership.models import Membership, Plan
from membership.services.plans import membership_grant


def ready_draft(owner: User, category: Category, *, tier: str = "standard") -> Submission:
    """A draft with every photo and its tier chosen: one click from submitting."""
    submission = draft_for(owner, category, with_photos=True)
    return submission_details_update(submission=submission, serial_code="", tier=tier)


def pass_give(member: User, code: str = "pass-monthly") -> Membership:
    return membership_grant(member=member, plan=Plan.objects.get(code=code))


def review_url(submission: Submission) -> str:
    return reverse("appraisals:submission-review", args=[submission.uid])


def press_submit(client: Client, submission: Submission, **data: Any) -> Any:
    """The review step's one button ("Submit" or "Pay … and submit")."""
    return client.post(review_url(submission), data)
