"""Staff upload genuine reference photos; the expert's case page and the buyer's capture show
the most specific one for a slot, and the slot's drawing where there is none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from PIL import Image

from appraisals.models import ProductModel, ReferencePhoto, Review, Submission
from appraisals.selectors.references import reference_photos_for_slots
from appraisals.tests.reviewing import case_in_queue, expert
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
ADD = reverse("admin:appraisals_referencephoto_add")
CHANGELIST = reverse("admin:appraisals_referencephoto_changelist")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _curator() -> User:
    """Staff with the reference photo permissions (the staff role carries them)."""
    user = UserFactory(roles=[Role.STAFF])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="appraisals", codename__endswith="_referencephoto"
        )
    )
    return User.objects.get(pk=user.pk)  # a fresh permission cache


def _gps_tagged_jpeg() -> bytes:
    image = Image.open(io.BytesIO(good_jpeg(1)))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _upload(client: Client, case: Submission, *, data: bytes, model: bool = True, **extra: Any):  # noqa: ANN202
    slot = case.photos.order_by("slot__position").first().slot
    form = {
        "brand": str(case.brand_id),
        "product_model": str(case.product_model_id) if model else "",
        "slot": str(slot.pk),
        "caption": "Heat stamp of a 2019 bag",
        "active": "on",
        "image": SimpleUploadedFile("stamp.jpg", data, content_type="image/jpeg"),
        **extra,
    }
    return client.post(ADD, form)


def _case_page(case: Submission) -> str:
    who = expert()
    client = _client(who)
    client.post(reverse("admin:appraisals_review_take_next"))
    seat = Review.objects.get(submission=case)
    return client.get(reverse("admin:appraisals_review_case", args=[seat.pk])).content.decode()


def test_it_shows_an_uploaded_reference_on_the_case_page_and_in_the_tag(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    curator = _curator()

    response = _upload(_client(curator), case, data=_gps_tagged_jpeg())

    assert response.status_code == 302, response.content.decode()[:3000]
    reference = ReferencePhoto.objects.get()
    assert reference.uploaded_by == curator and reference.active
    assert reference.image.name.startswith("references/")
    stored = Image.open(reference.image.open("rb"))
    assert stored.format == "JPEG" and not stored.getexif()  # re-encoded, metadata gone
    url = reverse("appraisals:reference-image", args=[reference.pk])

    html = _case_page(case)
    assert url in html and "Heat stamp of a 2019 bag" in html
    slot = reference.slot
    rendered = Template("{% load references %}{% slot_reference slot model %}").render(
        Context({"slot": slot, "model": case.product_model})
    )
    assert url in rendered and "Genuine reference" in rendered
    # Buyers see it as an example; a visitor who is not signed in does not.
    assert _client(buyer).get(url).status_code == 200
    assert _client(buyer).get(url)["Content-Type"] == "image/jpeg"
    assert _client(None).get(url).status_code == 302


def test_it_shows_the_drawing_where_no_reference_photo_was_uploaded(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    slot = case.photos.order_by("slot__position").first().slot

    html = _case_page(case)

    assert slot.example_image.url in html
    assert "no reference photo yet" in html
    rendered = Template("{% load references %}{% slot_reference slot model %}").render(
        Context({"slot": slot, "model": case.product_model})
    )
    assert slot.example_image.url in rendered and "Example" in rendered


def test_it_refuses_a_file_that_is_not_an_image_with_a_clear_error(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])

    response = _upload(_client(_curator()), case, data=b"%PDF-1.7 not a photo at all")

    assert response.status_code == 400  # the form again, with the error on the image field
    html = response.content.decode()
    assert "errorlist" in html and "Upload a JPEG, PNG, WebP or HEIC" in html
    assert not ReferencePhoto.objects.exists()


def test_only_staff_with_the_permission_manage_reference_photos(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    assert _client(expert()).get(ADD).status_code == 403
    assert _client(buyer).get(ADD).status_code == 302  # to the admin's sign-in
    assert _upload(_client(expert()), case, data=good_jpeg(1)).status_code == 403
    assert not ReferencePhoto.objects.exists()
    assert _client(_curator()).get(CHANGELIST).status_code == 200


def test_it_picks_the_models_reference_before_the_brands_and_skips_inactive_ones(
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    case = case_in_queue(buyer, catalog["handbag"])
    client = _client(_curator())
    assert _upload(client, case, data=good_jpeg(1), model=False).status_code == 302
    brand_wide = ReferencePhoto.objects.get()
    slot = brand_wide.slot
    other_model = case.brand.models.exclude(pk=case.product_model_id).first()

    def best(model: Any) -> ReferencePhoto | None:
        return reference_photos_for_slots(slots=[slot], brand=case.brand, product_model=model).get(
            slot.pk
        )

    assert best(case.product_model) == brand_wide
    assert _upload(client, case, data=good_jpeg(2)).status_code == 302
    specific = ReferencePhoto.objects.exclude(pk=brand_wide.pk).get()
    assert best(case.product_model) == specific
    assert best(other_model) == brand_wide  # another model line gets the brand's
    assert best(None) == brand_wide
    specific.active = False
    specific.save(update_fields=["active"])
    assert best(case.product_model) == brand_wide
    url = reverse("appraisals:reference-image", args=[specific.pk])
    assert _client(buyer).get(url).status_code == 404


def test_it_refuses_a_model_of_another_brand_with_a_clear_error(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    other = ProductModel.objects.exclude(brand=case.brand).first()
    assert other is not None

    response = _upload(_client(_curator()), case, data=good_jpeg(1), product_model=str(other.pk))

    assert response.status_code == 400
    assert "This model belongs to another brand." in response.content.decode()
    assert not ReferencePhoto.objects.exists()
