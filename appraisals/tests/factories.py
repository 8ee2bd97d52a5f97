"""Helpers that build submissions through the same services the pages use."""

from __future__ import annotations

from appraisals.models import Brand, Category, Submission
from appraisals.services.payments import submission_checkout
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import submission_start, submission_submit
from billing.services.invoices import invoice_mark_paid
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from tests.photos import good_jpeg


def draft_for(owner: User, category: Category, *, with_photos: bool = False) -> Submission:
    """A draft of the first brand and model of ``category``; optionally every slot filled."""
    brand = Brand.objects.filter(categories=category).order_by("name").first()
    assert brand is not None
    model = brand.models.filter(category=category).first()
    submission = submission_start(owner=owner, category=category, brand=brand, product_model=model)
    if with_photos:
        for index, slot in enumerate(category.slots.order_by("position")):
            submission_photo_upload(submission=submission, slot=slot, data=good_jpeg(index))
    return submission


def cashier() -> User:
    """Staff who may mark invoices paid (invoice mode); one per test database."""
    user = User.objects.filter(email="cashier@example.com").first()
    if user is None:
        user = UserFactory(email="cashier@example.com", roles=[Role.STAFF])
    return user


def submit_paying(submission: Submission) -> Submission:
    """Submit as the owner does from the review step, paying what their plan doesn't cover:
    the fee invoice is issued, staff mark it paid (invoice mode) and the paid case goes (what
    the ``InvoicePaid`` subscriber does once the payment commits)."""
    back = "https://authplatform.test/back/"
    result = submission_checkout(submission=submission, points=0, success_url=back, cancel_url=back)
    if not result.submitted:
        assert result.invoice is not None
        invoice_mark_paid(invoice=result.invoice, staff=cashier())
        submission.refresh_from_db()
        if submission.round == 0:  # outside a test's transaction, the commit submitted it
            submission_submit(submission=submission)
    submission.refresh_from_db()
    return submission
