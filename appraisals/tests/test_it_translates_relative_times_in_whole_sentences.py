"""A relative time ("2 minutes ago") is a part of a translated sentence, never English glued to
a translated fragment ("saved 0 分钟 ago")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import templatize

from appraisals.tests.factories import draft_for

pytestmark = pytest.mark.django_db


def _msgids(name: str) -> list[str]:
    path = Path(settings.BASE_DIR) / "appraisals" / "templates" / name
    source = path.read_text(encoding="utf-8")
    return re.findall(r"gettext\(u?'((?:[^'\\]|\\.)*)'\)", templatize(source, origin=str(path)))


def test_the_draft_note_is_one_sentence_with_the_time_inside() -> None:
    notes = [m for m in _msgids("appraisals/partials/stepper.html") if "saved" in m]
    assert notes, "the draft note is not marked for translation"
    assert all("%(saved)s" in m for m in notes), notes


def test_a_chinese_reader_gets_no_english_glued_to_the_time(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    submission = draft_for(buyer, catalog["handbag"])
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("appraisals:submission-photos", args=[submission.uid]))

    note = page.content.decode().split('class="draftnote')[1].split("</p>")[0]
    assert " ago" not in note
