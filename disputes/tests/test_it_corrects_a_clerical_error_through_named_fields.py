"""Staff correct a clerical error in named fields that show the report as it is (no JSON to
type): what they change becomes the corrected version; a bad value is refused with a message
that names its field, as a 400, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Feature, Report
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from disputes.forms import TriageForm
from disputes.models import Dispute
from disputes.services import dispute_open
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WHY = "The model is wrong on the report: this is the medium, not the small."


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    case_in_queue(buyer, catalog["handbag"])
    who = expert(email="original@example.com")
    sign(review_services.review_take_next(expert=who), who, "authentic")
    return Report.objects.get()


@pytest.fixture
def dispute(report: Report, buyer: User) -> Dispute:
    return dispute_open(report=report, user=buyer, reason="wrong_details", description=WHY)


def _as_is(report: Report) -> dict[str, str]:
    """The triage form as the page shows it: every field holds the report's value."""
    form = TriageForm(report=report)
    return {name: form[name].value() or "" for name in form.fields if name != "decision"}


def _staff() -> Client:
    client = Client()
    client.force_login(UserFactory(email="ops@example.com", roles=[Role.STAFF]))
    return client


def test_the_form_names_each_correctable_field_with_the_reports_value(report: Report) -> None:
    form = TriageForm(report=report)

    assert "changes" not in form.fields
    assert form["item_brand"].value() == report.document["item"]["brand"]
    assert form["verdict_result"].value() == "authentic"
    assert form["condition_grade"].value() == report.document["condition"]["grade"]
    for finding in report.document["findings"]:
        field = form[f"finding_{finding['feature']}"]
        assert field.value() == finding["reason"]
        assert str(Feature(finding["feature"]).label) in str(field.label)


def test_it_issues_a_corrected_version_with_the_changed_field(
    report: Report, dispute: Dispute
) -> None:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    staff = _staff()
    page = staff.get(url).content.decode()
    assert 'id="clerical-fields"' in page and 'name="item_model"' in page
    data = {**_as_is(report), "item_model": "Medium Classic Flap", "item_serial": "ab 12 34"}

    response = staff.post(url, {"triage": "1", "decision": "clerical", **data,
                                "reason": "Model typed wrong"})  # fmt: skip

    assert response.status_code == 302
    dispute.refresh_from_db()
    corrected = dispute.corrected_report
    assert dispute.outcome == Dispute.Outcome.CORRECTED and corrected.supersedes == report
    assert corrected.document["item"]["model"] == "Medium Classic Flap"
    assert corrected.document["item"]["serial_hint"] == "•••234"
    assert corrected.document["verdict"] == report.document["verdict"]
    assert corrected.document["findings"] == report.document["findings"]


def test_it_refuses_an_empty_brand_naming_the_field(report: Report, dispute: Dispute) -> None:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    data = {**_as_is(report), "item_brand": "  ", "reason": "Typo"}

    response = _staff().post(url, {"triage": "1", "decision": "clerical", **data})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Brand: a report names the brand; it can&#x27;t be empty." in page
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.TRIAGE


def test_it_refuses_a_bad_serial_and_an_emptied_finding_naming_each(report: Report) -> None:
    feature = report.document["findings"][0]["feature"]
    data = {
        **_as_is(report),
        "decision": "clerical",
        "item_serial": "AB<script>",
        f"finding_{feature}": "",
    }

    form = TriageForm(data, report=report)

    assert not form.is_valid()
    assert form.errors["item_serial"] == [
        "Serial or date code: use letters, digits, spaces and hyphens only."
    ]
    label = Feature(feature).label
    assert form.errors[f"finding_{feature}"] == [
        f"Finding: {label}: a finding keeps its reason; it can't be empty."
    ]


def test_it_refuses_a_clerical_fix_that_changes_nothing(report: Report, dispute: Dispute) -> None:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    data = {**_as_is(report), "reason": "Typo"}

    response = _staff().post(url, {"triage": "1", "decision": "clerical", **data})

    assert response.status_code == 400
    assert "A clerical fix changes at least one field" in response.content.decode()


def test_an_inconclusive_verdict_needs_its_reason(report: Report) -> None:
    data = {**_as_is(report), "decision": "clerical", "verdict_result": "inconclusive",
            "verdict_reason": ""}  # fmt: skip

    form = TriageForm(data, report=report)

    assert not form.is_valid()
    assert "Verdict reason:" in form.errors["verdict_reason"][0]


def test_an_unknown_grade_is_refused_naming_the_field(report: Report, dispute: Dispute) -> None:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    data = {**_as_is(report), "condition_grade": "mint++", "reason": "Typo"}

    response = _staff().post(url, {"triage": "1", "decision": "clerical", **data})

    assert response.status_code == 400
    assert "Condition grade: Select a valid choice." in response.content.decode()


def test_the_other_decisions_ignore_the_clerical_fields(report: Report, dispute: Dispute) -> None:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    data = {**_as_is(report), "item_brand": "", "reason": "Nothing in the photos shows it."}

    response = _staff().post(url, {"triage": "1", "decision": "reject", **data})

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.outcome == Dispute.Outcome.REJECTED
