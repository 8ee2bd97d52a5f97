"""The catalog and demo accounts load idempotently."""

import io

import pytest
from django.core.management import call_command

from appraisals.models import Brand, Category, PhotoSlot, ProductModel
from members.models import User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Category.objects.count(),
        PhotoSlot.objects.count(),
        Brand.objects.count(),
        ProductModel.objects.count(),
    )


def test_load_demo_twice_creates_everything_once_and_prints_the_same_credentials(
    settings,
    tmp_path,  # noqa: ANN001
) -> None:
    settings.VAR_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=first)
    counts = _counts()
    call_command("load_demo", stdout=second)
    assert _counts() == counts
    # The same credentials both times; only the first run submits the demo case.
    assert "Demo case" in first.getvalue() and "Demo case" not in second.getvalue()
    without_case = [line for line in first.getvalue().splitlines() if "Demo case" not in line]
    assert without_case == second.getvalue().splitlines()
    assert "buyer@demo.authplatform.test" in first.getvalue()
    # Paid for as a member pays: a pass for the Standard price, the Express surcharge invoiced.
    assert "Demo Buyer now holds the Pass (monthly) plan" in first.getvalue()
    assert "was marked paid by Demo Admin (invoice mode)." in first.getvalue()
    password = next(
        line.split()[-1] for line in first.getvalue().splitlines() if "expert@demo" in line
    )
    expert = User.objects.get(email="expert@demo.authplatform.test")
    assert expert.check_password(password)
    assert expert.is_staff and expert.has_perm("appraisals.review_submission")


def test_the_catalog_has_the_required_slots_with_instructions_and_examples(catalog) -> None:  # noqa: ANN001
    handbag = [s.code for s in catalog["handbag"].slots.order_by("position")]
    assert handbag == [
        "front",
        "back",
        "brand_stamp",
        "stitching",
        "hardware_engraving",
        "date_code",
        "interior_label",
    ]
    watch = [s.code for s in catalog["watch"].slots.order_by("position")]
    assert watch == ["dial", "caseback", "crown", "clasp", "serial_engraving", "side_profile"]
    for slot in PhotoSlot.objects.all():
        assert slot.instruction
        assert slot.example_image.storage.exists(slot.example_image.name)


def test_staff_edits_survive_a_reload(catalog) -> None:  # noqa: ANN001
    from appraisals.services.catalog import catalog_load

    slot = catalog["handbag"].slots.get(code="front")
    slot.instruction = "Edited by staff."
    slot.save()
    catalog_load()
    slot.refresh_from_db()
    assert slot.instruction == "Edited by staff."
