"""A demo case for ``make run``: the demo buyer's handbag, submitted with a full set of photos.

The close-ups the classifier screens are rendered by the project's own generator as a
*genuine* item of the chosen brand; the other slots use the catalog's drawn examples. Both
pass the photo checks, so the case travels the real path: photo re-check, AI pre-screen,
then the expert queue, where the demo expert can take it and sign a report.

It is paid for the way a member pays: the demo buyer holds the monthly pass (which covers the
Standard price), and the Express surcharge is invoiced and, in invoice mode, marked paid by the
demo admin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction

from appraisals.models import Brand, Category, Submission
from appraisals.services.payments import submission_checkout
from appraisals.services.photos import submission_photo_upload
from appraisals.services.submissions import (
    submission_details_update,
    submission_start,
    submission_submit,
)
from appraisals.slot_examples import render_slot_example
from billing.models import Invoice
from billing.services.invoices import invoice_mark_paid
from members.models import User
from membership.models import Plan
from membership.selectors.plans import membership_current
from membership.selectors.quotas import pass_holding
from membership.services.plans import membership_grant
from ml.dataset import Item, render_item
from ml.features import SCREENED_SLOTS

DEMO_BRAND = "Chanel"
# Rendered close-ups at this size pass the photo checks' resolution floor with room to spare.
_RENDER_SIZE = 720


def demo_photo(*, category: str, slot: str, brand: str, seed: int = 7) -> bytes:
    """JPEG bytes of a genuine-looking photo of ``slot`` for ``brand``."""
    if SCREENED_SLOTS.get(slot) == category:
        # Even indices render authentic items; step through them to reach the brand wanted.
        for index in range(0, 400, 2):
            item = Item(slot, index)
            if item.brand == brand:
                data, _record = render_item(item, seed, _RENDER_SIZE)
                return data
        raise ValueError(f"the generator has no {brand} {slot}")
    image = render_slot_example(category=category, slot=slot, size=(1200, 900))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@dataclass(frozen=True)
class DemoCase:
    submission: Submission
    pass_plan: Plan | None  # the pass the demo buyer was given now, if they had none
    invoice: Invoice | None  # the Express surcharge's invoice
    payment_url: str | None  # with Stripe configured: where to pay it (the case waits)


def demo_submission_ensure(*, owner: User, cashier: User) -> DemoCase | None:
    """Submit the demo case once for ``owner``, paid as a member pays (``cashier`` marks its
    invoice paid in invoice mode); None when they already have one."""
    if Submission.objects.filter(owner=owner).exists():
        return None
    category = Category.objects.get(slug="handbag")
    brand = Brand.objects.get(name=DEMO_BRAND)
    model = brand.models.filter(category=category).order_by("name").first()
    with transaction.atomic():
        granted = None
        if pass_holding(membership_current(owner)) is None:
            granted = membership_grant(
                member=owner, plan=Plan.objects.get(code="pass-monthly")
            ).plan
        submission = submission_start(
            owner=owner, category=category, brand=brand, product_model=model
        )
        for slot in category.slots.order_by("position"):
            data = demo_photo(category=category.slug, slot=slot.code, brand=brand.name)
            submission_photo_upload(submission=submission, slot=slot, data=data)
        submission_details_update(
            submission=submission, serial_code="", tier="express", declared_value_eur=3200
        )
        back = "http://localhost:8000/submissions/"
        result = submission_checkout(
            submission=submission, points=0, success_url=back, cancel_url=back
        )
        if not result.submitted and result.redirect_url is None and result.invoice is not None:
            invoice_mark_paid(invoice=result.invoice, staff=cashier)
            submission = submission_submit(submission=submission)
        submission.refresh_from_db()
        return DemoCase(
            submission=submission,
            pass_plan=granted,
            invoice=result.invoice,
            payment_url=result.redirect_url,
        )
