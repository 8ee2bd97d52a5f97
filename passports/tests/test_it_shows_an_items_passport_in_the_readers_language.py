"""A passport in the reader's language (issue 16): the page shows the history, the brand and
the category in Chinese for a Chinese reader, while the signed events keep English summaries
whatever language the person who caused them reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from appraisals.tests.reviewing import report_signed_with_serial
from members.models import User
from passports.models import Item, PassportEvent

pytestmark = pytest.mark.django_db


def test_a_chinese_reader_sees_the_history_and_names_in_chinese(
    buyer: User,
    catalog: dict[str, Any],
) -> None:
    with translation.override("zh-hans"):  # an expert reading Chinese signs the report
        report_signed_with_serial(buyer, catalog["handbag"], serial="28451234")
    item = Item.objects.get()
    event = item.events.get()
    assert event.summary == "Authenticated: Authentic"  # the signed words stay English
    assert event.document.body["summary"] == "Authenticated: Authentic"

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("passports:public", args=[item.public_token])).content.decode()

    with translation.override("zh-hans"):
        expected = event.local_summary
        brand = item.brand.local_name
    assert expected != "Authenticated: Authentic" and expected in page
    assert brand != item.brand.name and brand in page
    assert "Authenticated: Authentic" not in page


@pytest.mark.parametrize(
    "summary",
    [
        "Authenticated: Counterfeit",
        "Report corrected (version 2): Inconclusive",
        "Dispute resolved: Verdict overturned",
        "Ownership passed from owner 1 to owner 2",
        "Reported stolen by its owner",
        "Reported recovered by its owner",
        "An earlier appraisal of this item, linked by an expert",
    ],
)
def test_every_sentence_the_platform_writes_reads_in_chinese(summary: str) -> None:
    event = PassportEvent(summary=summary)
    with translation.override("zh-hans"):
        chinese = event.local_summary
    assert chinese != summary
    assert all(number in chinese for number in "12" if number in summary)


def test_a_service_record_keeps_its_authors_words() -> None:
    event = PassportEvent(summary="Strap replaced by the maker")
    with translation.override("zh-hans"):
        assert event.local_summary == "Strap replaced by the maker"
