"""Simplified Chinese: the committed catalog is complete for what buyers and report readers see.

The compiled ``django.mo`` is committed so a machine without gettext still serves Chinese;
these tests make sure it matches the ``.po`` and covers every report, guide and status string,
and that the catalog (categories, brands, models, photo slots) is named in the reader's
language. tests/test_it_translates_every_string.py checks the whole code base.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import models
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, templatize

from appraisals.guides import GUIDES
from appraisals.models import (
    ConditionGrade,
    Feature,
    FindingResult,
    Review,
    Status,
    SubmissionEvent,
    Tier,
    Verdict,
)
from appraisals.models.prescreen import Band
from appraisals.services.reports import _notify_owner
from appraisals.tests.factories import draft_for
from appraisals.tests.reviewing import case_in_queue, expert
from members.models import Notification
from provenance.models import AnchorTransaction, Batch
from tests.tools import require_tool

pytestmark = pytest.mark.django_db

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"

# The report (page and PDF), the guides, and the buyer's own pages.
READER_TEMPLATES = [
    "appraisals/report/body.html",
    "appraisals/report_public.html",
    "appraisals/report_pdf.html",
    "appraisals/guide_feature.html",
    "base.html",
    "home.html",
    "appraisals/submission_detail.html",
    "appraisals/partials/timeline.html",
    "appraisals/submission_list.html",
    "provenance/verify.html",
    "passports/public.html",
    "passports/owner.html",
    "passports/transfer.html",
    # What the apps above add to a report's page (appraisals/report_pages.py).
    "disputes/report_outcomes.html",
    "disputes/holder_entry.html",
    "passports/report_link.html",
]

READER_CHOICES: list[type[models.Choices]] = [
    Feature,
    FindingResult,
    Verdict,
    ConditionGrade,
    Review.Stage,
    SubmissionEvent.Kind,
    Status,
    Tier,
]

# What experts and staff see in the console: a seat's state, the pre-screen's band, an anchor's
# and a transaction's progress (issue 16: the console is in Chinese too).
CONSOLE_CHOICES: list[type[models.Choices]] = [
    Review.State,
    Band,
    Batch.State,
    AnchorTransaction.State,
]

# templatize turns {% translate %} and {% blocktranslate %} into gettext('...') calls, exactly
# as makemessages sees them, so a new string that nobody extracted is caught here too.
_GETTEXT_CALL = re.compile(r"""\bgettext\((u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))\)""")
_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _template_msgids(name: str) -> list[str]:
    path = get_template(name).origin.name
    source = Path(path).read_text(encoding="utf-8")
    return [ast.literal_eval(m) for m in _GETTEXT_CALL.findall(templatize(source, origin=path))]


def test_the_committed_mo_matches_the_po(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt", package="gettext")
    fresh = tmp_path / "django.mo"
    subprocess.run(
        [msgfmt, "--check-format", "-o", str(fresh), str(CATALOG_DIR / "django.po")], check=True
    )
    with (CATALOG_DIR / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert gnu_gettext.GNUTranslations(committed)._catalog == (
            gnu_gettext.GNUTranslations(compiled)._catalog
        ), "django.mo is stale: run `manage.py compilemessages` and commit the result"


@pytest.mark.parametrize("name", READER_TEMPLATES)
def test_every_string_of_the_reader_templates_is_translated(name: str) -> None:
    msgids = _template_msgids(name)
    assert msgids, f"{name} has no translatable strings; is it still using {{% translate %}}?"
    with translation.override("zh-hans"):
        untranslated = [m for m in msgids if gettext(m) == m]
        broken = [
            m
            for m in msgids
            if sorted(_PLACEHOLDER.findall(gettext(m))) != sorted(_PLACEHOLDER.findall(m))
        ]
    assert untranslated == [], f"{name}: no zh_Hans translation for {untranslated}"
    assert broken == [], f"{name}: placeholders differ in the translation of {broken}"


@pytest.mark.parametrize("choices", READER_CHOICES + CONSOLE_CHOICES, ids=lambda c: c.__qualname__)
def test_every_label_a_reader_sees_is_translated(choices: type[models.Choices]) -> None:
    for member in choices:
        with translation.override("en"):
            english = str(member.label)
        with translation.override("zh-hans"):
            chinese = str(member.label)
        assert chinese and chinese != english, f"{choices.__qualname__}.{member.name}"


def test_every_guide_paragraph_is_translated() -> None:
    for feature, paragraphs in GUIDES.items():
        for paragraph in paragraphs:
            with translation.override("en"):
                english = str(paragraph)
            with translation.override("zh-hans"):
                assert str(paragraph) != english, f"guide for {feature}: {english[:40]}…"


def test_the_report_ready_notification_is_in_the_owners_language(buyer, catalog) -> None:  # noqa: ANN001
    buyer.language = "zh-hans"
    buyer.save(update_fields=["language"])
    submission = draft_for(buyer, catalog["handbag"])
    # _notify_owner reads only the report's reference; issuing a real one needs the whole review.
    _notify_owner(submission, SimpleNamespace(reference="R-TEST01"))

    note = Notification.objects.get(user=buyer)
    assert submission.reference in note.subject
    assert "R-TEST01" in note.body
    assert "report is ready" not in note.subject
    assert "The experts have finished" not in note.body


def test_the_home_page_follows_the_browsers_language(client: Client, catalog) -> None:  # noqa: ANN001
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "登录" in page  # "Sign in" in the navigation
    assert ">Sign in<" not in page


def test_a_buyer_who_chooses_chinese_keeps_it_for_pages_and_emails(
    client: Client,
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
) -> None:
    client.force_login(buyer)
    response = client.post(reverse("members:language"), {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    buyer.refresh_from_db()
    assert buyer.language == "zh-hans"
    home = client.get("/").content.decode()
    with translation.override("zh-hans"):
        my_submissions = gettext("My submissions")
    assert my_submissions != "My submissions"
    assert my_submissions in home


def test_the_status_page_shows_chinese_timeline_labels(client: Client, buyer, catalog) -> None:  # noqa: ANN001
    submission = draft_for(buyer, catalog["handbag"])
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))

    with translation.override("zh-hans"):
        started = str(SubmissionEvent.Kind.CREATED.label)
        draft_line = gettext("Draft: not submitted yet.")
    content = page.content.decode()
    assert started in content
    assert draft_line in content
    assert "Draft started" not in content


SERVICES_DIR = Path(settings.BASE_DIR) / "appraisals" / "services"
_MARKERS = {"_", "gettext", "gettext_noop", "ngettext"}


def _service_msgids() -> list[str]:
    """The literal first argument of every gettext-family call in the appraisals services."""
    found = []
    for path in sorted(SERVICES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(node.args[0].value)
    return found


def test_every_email_and_timeline_sentence_of_the_services_is_translated() -> None:
    msgids = _service_msgids()
    # The emails of every step plus the fixed timeline sentences (stored in English).
    assert len(msgids) >= 15, msgids
    with translation.override("zh-hans"):
        untranslated = [m for m in msgids if gettext(m) == m]
    assert untranslated == []


def test_a_chinese_buyer_gets_every_step_in_chinese(
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001
    client: Client,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    from django.core import mail

    from appraisals.services.submissions import submission_details_update, submission_submit

    buyer.language = "zh-hans"
    buyer.save(update_fields=["language"])
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission = submission_details_update(
        submission=submission, serial_code="AR1234", tier="standard", declared_value_eur=900
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=submission)

    subjects = [m.subject for m in mail.outbox]
    # Received, photos accepted, and the AI step (an expert reviewing, or a retake).
    assert len(subjects) >= 3, subjects
    for message in mail.outbox:
        assert submission.reference in message.subject
        assert re.search(r"[\u4e00-\u9fff]", message.subject), message.subject
        assert not re.search(r"\b(we|your|photos|please)\b", message.subject, re.I)
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    timeline = client.get(reverse("appraisals:submission-timeline", args=[submission.uid]))
    page = timeline.content.decode()
    with translation.override("zh-hans"):
        accepted = gettext("All photos passed the check")
    assert accepted != "All photos passed the check"
    assert accepted in page
    assert "All photos passed the check" not in page


# --- the catalog's names in the reader's language -------------------------------------------


def test_the_shipped_catalog_names_everything_in_chinese() -> None:
    from appraisals.catalog_data import BRANDS, CATEGORIES

    han = re.compile(r"[\u4e00-\u9fff]")
    for category in CATEGORIES:
        assert han.search(category["name_zh_hans"]) and han.search(category["description_zh_hans"])
        for slot in category["slots"]:
            assert han.search(slot["name_zh_hans"]) and han.search(slot["instruction_zh_hans"])
    for brand, spec in BRANDS.items():
        assert han.search(spec["name_zh_hans"]), brand
        for models_ in spec["models"].values():
            for model in models_:
                assert model.name_zh_hans and model.name_zh_hans != model.name, model


def test_a_catalog_name_follows_the_readers_language(catalog) -> None:  # noqa: ANN001
    from appraisals.models import Brand, ProductModel

    chanel = Brand.objects.get(name="Chanel")
    flap = ProductModel.objects.get(name="Classic Flap Medium")
    with translation.override("zh-hans"):
        assert (chanel.local_name, str(chanel)) == ("香奈儿", "香奈儿")
        assert catalog["handbag"].local_name == "手袋"
        assert str(flap) == "香奈儿 经典口盖包 中号"
    with translation.override("en"):
        assert (chanel.local_name, str(flap)) == ("Chanel", "Chanel Classic Flap Medium")
    chanel.name_zh_hans = ""
    with translation.override("zh-hans"):
        assert chanel.local_name == "Chanel"  # no Chinese name yet: the English one


def test_loading_the_catalog_fills_missing_chinese_names_and_keeps_staffs(catalog) -> None:  # noqa: ANN001
    from appraisals.models import Brand, PhotoSlot
    from appraisals.services.catalog import catalog_load

    Brand.objects.filter(name="Rolex").update(name_zh_hans="")
    Brand.objects.filter(name="Gucci").update(name_zh_hans="古驰（意大利）")
    catalog_load()

    assert Brand.objects.get(name="Rolex").name_zh_hans == "劳力士"
    assert Brand.objects.get(name="Gucci").name_zh_hans == "古驰（意大利）"
    assert PhotoSlot.objects.get(category__slug="handbag", code="stitching").name_zh_hans


def test_the_home_page_names_categories_and_photos_in_chinese(client: Client, catalog) -> None:  # noqa: ANN001
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()

    assert "<h2>手袋</h2>" in page and "缝线特写" in page
    assert "<h2>Handbag</h2>" not in page and "Stitching close-up" not in page


def test_the_staff_edit_the_chinese_names_in_the_admin(admin_client: Client) -> None:
    for model in ("brand", "category", "productmodel", "photoslot"):
        page = admin_client.get(reverse(f"admin:appraisals_{model}_add")).content.decode()
        assert 'name="name_zh_hans"' in page, model
    category = admin_client.get(reverse("admin:appraisals_category_add")).content.decode()
    assert 'name="slots-__prefix__-instruction_zh_hans"' in category


def test_a_chinese_expert_sees_the_seat_state_in_chinese(buyer, catalog) -> None:  # noqa: ANN001
    case = case_in_queue(buyer, catalog["handbag"])
    client = Client()
    client.force_login(expert())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post(reverse("admin:appraisals_review_take_next"))
    seat = Review.objects.get(submission=case)

    page = client.get(reverse("admin:appraisals_review_case", args=[seat.pk])).content.decode()

    assert seat.state == Review.State.CLAIMED
    assert "已领取" in page  # "Claimed"
    assert "Claimed" not in page
