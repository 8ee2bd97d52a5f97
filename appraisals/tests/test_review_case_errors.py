"""The case page's errors name their fields, each once, and mark the fields themselves."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Feature, Review
from appraisals.tests.reviewing import case_in_queue, expert

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(r'<div class="case-errors".*?</div>', html, re.S)
    assert match is not None, html[:2000]
    return match.group(0)


def _tag(html: str, field_id: str) -> str:
    match = re.search(rf'<[^>]*\bid="{field_id}"[^>]*>', html)
    assert match is not None, field_id
    return match.group(0)


def test_it_names_and_marks_each_missing_condition_field(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    client = Client()
    client.force_login(expert())
    client.post(reverse("admin:appraisals_review_take_next"))
    seat = Review.objects.get(submission=case)
    data = {
        "condition-grade": "excellent",
        "condition-wear_notes": "Faint marks on the base.",
        "condition-repairs": "",
        "condition-replaced_parts": "  ",
        f"{Feature.BRAND_STAMP.value}-result": "consistent",
        f"{Feature.BRAND_STAMP.value}-reason": "As on the reference",
    }

    response = client.post(reverse("admin:appraisals_review_case", args=[seat.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    summary = _summary(html)
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert len(items) == 2, items
    for field_id, label in [
        ("id_condition-repairs", "Repairs"),
        ("id_condition-replaced_parts", "Replaced parts"),
    ]:
        # The summary names the field once and links to it ...
        assert summary.count(f'href="#{field_id}"') == 1
        assert f">{label}</a>" in summary
        # ... and the field is marked invalid, described by its own error text.
        tag = _tag(html, field_id)
        assert 'aria-invalid="true"' in tag
        assert f'aria-describedby="{field_id}_error"' in tag
        assert f'id="{field_id}_error"' in html
    assert summary.count("none seen") == 2  # one message per field, each said once
    # What was filled in is untouched: no mark on it, and the finding was saved.
    assert 'aria-invalid="true"' not in _tag(html, "id_condition-wear_notes")
    assert seat.findings.filter(feature=Feature.BRAND_STAMP.value).exists()


def test_it_names_the_region_boxes_left_empty(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    client = Client()
    client.force_login(expert())
    client.post(reverse("admin:appraisals_review_take_next"))
    seat = Review.objects.get(submission=case)
    photo = case.photos.first()
    feature = Feature.BRAND_STAMP.value
    data = {
        f"{feature}-result": "consistent",
        f"{feature}-reason": "As on the reference",
        f"{feature}-photo": str(photo.pk),
        f"{feature}-region_x": "0.1",
        f"{feature}-region_y": "0.2",
    }

    response = client.post(reverse("admin:appraisals_review_case", args=[seat.pk]), data)

    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert summary.count("Give all four of x, y, w and h") == 1
    assert f'href="#id_{feature}-region_w"' in summary
    assert f'href="#id_{feature}-region_h"' in summary
    assert f'href="#id_{feature}-region_x"' not in summary
