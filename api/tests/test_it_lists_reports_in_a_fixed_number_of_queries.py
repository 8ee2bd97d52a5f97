"""The report list costs one query whatever the page holds: each report's submission and the
versions it supersedes and is superseded by come with it."""

from __future__ import annotations

import pytest

from api.tests.conftest import api_for
from appraisals.services.reports import report_correct

pytestmark = pytest.mark.django_db


def test_it_lists_corrections_in_one_query(partner, report, django_assert_num_queries) -> None:  # noqa: ANN001
    api = api_for(partner)
    assert api.get("/api/v1/catalog/categories/").status_code == 200  # the key, looked up once
    latest = report
    for grade in ("good", "fair"):
        latest = report_correct(
            report=latest,
            changes={"condition": {**report.document["condition"], "grade": grade}},
            reason="The condition grade was mistyped.",
        )

    with django_assert_num_queries(1):
        listed = api.get("/api/v1/reports/").json()["results"]

    assert [r["version"] for r in listed] == [3, 2, 1]
    assert (
        listed[1]["supersedes"] == listed[2]["id"] and listed[1]["superseded_by"] == listed[0]["id"]
    )
