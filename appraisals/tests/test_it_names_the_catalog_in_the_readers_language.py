"""A reader of 简体中文 sees the catalog's Chinese names on the buyer's pages (issue 16).

Categories, brands, models and photo slots have Chinese names (``local_name``); the item
step's pickers, the photo step, the review, the status page, the list and the report page
show them, while the signed report document keeps the English names.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from appraisals.models import Brand, ProductModel, Report, Submission
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_photos_complete, submission_start
from appraisals.tests.reviewing import case_in_queue, expert, sign
from members.models import User

pytestmark = pytest.mark.django_db

CHINESE = ("香奈儿", "经典口盖包 中号", "正面", "将包竖直放在素色平面上")
ENGLISH = ("Chanel", "Classic Flap Medium", "Front", "handbag")


def client_in(language: str, user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def flap_draft(buyer: User, catalog: dict) -> Submission:
    return submission_start(
        owner=buyer,
        category=catalog["handbag"],
        brand=Brand.objects.get(name="Chanel"),
        product_model=ProductModel.objects.get(name="Classic Flap Medium"),
    )


def pages(submission: Submission) -> dict[str, str]:
    uid = submission.uid
    return {
        "item": reverse("appraisals:submission-item", args=[uid]),
        "photos": reverse("appraisals:submission-photos", args=[uid]),
        "review": reverse("appraisals:submission-review", args=[uid]),
        "status": reverse("appraisals:submission-detail", args=[uid]),
        "list": reverse("appraisals:submission-list"),
    }


def test_it_names_the_item_in_chinese_on_every_buyer_page(flap_draft, buyer) -> None:  # noqa: ANN001
    client = client_in("zh-hans", buyer)
    for page, url in pages(flap_draft).items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "香奈儿" in html, page
        if page != "item":  # the item step names the model in its select (below)
            assert "经典口盖包 中号" in html, page
        # Not "Chanel" anywhere: the timeline's "created" line is stored English (see report).
        assert not re.search(
            r">\s*Chanel\s*(<|·| handbag\s*<| Classic)",
            html.replace('"small muted pre">Chanel handbag<', ""),
        ), page
        assert "Classic Flap Medium" not in html, page


def test_it_shows_the_item_steps_choices_in_chinese(flap_draft, buyer) -> None:  # noqa: ANN001
    client = client_in("zh-hans", buyer)
    html = client.get(pages(flap_draft)["item"]).content.decode()
    assert "手袋" in html and "香奈儿" in html and "经典口盖包 中号" in html
    assert ">Handbag" not in html and ">Chanel<" not in html
    options = reverse("appraisals:catalog-options")
    chanel = Brand.objects.get(name="Chanel")
    category = flap_draft.category
    html = client.get(options, {"category": category.pk, "brand": chanel.pk}).content.decode()
    assert ">香奈儿</option>" in html and "经典口盖包 中号" in html
    assert ">Chanel</option>" not in html and "Classic Flap Medium" not in html


def test_it_shows_the_photo_steps_slots_and_instructions_in_chinese(flap_draft, buyer) -> None:  # noqa: ANN001
    html = client_in("zh-hans", buyer).get(pages(flap_draft)["photos"]).content.decode()
    assert "拍摄您的手袋" in html  # the heading names the category
    assert "拍摄您的handbag" not in html
    for chinese in CHINESE:
        assert chinese in html, chinese
    assert ">Front<" not in html and ">Back<" not in html
    assert "Stand the bag upright" not in html
    front = flap_draft.category.slots.get(code="front")
    assert front.instruction not in html


def test_it_keeps_english_names_for_an_english_reader(flap_draft, buyer) -> None:  # noqa: ANN001
    client = client_in("en", buyer)
    for page, url in pages(flap_draft).items():
        html = client.get(url, follow=True).content.decode()
        assert "Chanel" in html, page
        assert "香奈儿" not in html and "经典口盖包" not in html, page
    html = client.get(pages(flap_draft)["photos"]).content.decode()
    front = flap_draft.category.slots.get(code="front")
    assert front.name in html and front.instruction in html and "正面" not in html


def test_it_names_a_missing_slot_in_the_readers_language(flap_draft) -> None:  # noqa: ANN001
    front = flap_draft.category.slots.get(code="front")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        submission_photos_complete(submission=flap_draft)
    assert any(front.name_zh_hans in m for m in refused.value.messages)
    assert not any(f"“{front.name}”" in m for m in refused.value.messages)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submission_photos_complete(submission=flap_draft)
    assert any(f"“{front.name}”" in m for m in refused.value.messages)


def test_it_shows_the_report_in_chinese_but_signs_english_names(buyer, catalog) -> None:  # noqa: ANN001
    submission = case_in_queue(buyer, catalog["handbag"])
    alice = expert()
    seat = review_services.review_take_next(expert=alice)
    assert seat is not None
    sign(seat, alice, "authentic")
    report = Report.objects.get()
    brand = submission.brand
    item = report.document["item"]
    assert item["brand"] == brand.name  # the signed document: English
    assert brand.name_zh_hans and brand.name_zh_hans != brand.name
    url = reverse("public:report", args=[report.public_token])
    html = client_in("zh-hans").get(url).content.decode()
    assert brand.name_zh_hans in html and f">{brand.name}" not in html
    assert catalog["handbag"].name_zh_hans in html
    if submission.product_model is not None:
        assert submission.product_model.name_zh_hans in html
    html = client_in("en").get(url).content.decode()
    assert brand.name in html and brand.name_zh_hans not in html
    report.refresh_from_db()
    assert report.document["item"] == item
