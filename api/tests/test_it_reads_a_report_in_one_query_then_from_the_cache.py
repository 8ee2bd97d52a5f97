"""A partner's report read (``GET /api/v1/reports/<id>/``) costs one query, then none: its body
is cached (api/report_cache.py). The body is the same, the owner check still runs on every
request, and a correction shows at once here, or once the hold runs out in another process."""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import report_cache
from api.tests.conftest import Api, api_for
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events
from authplatform import hold

pytestmark = pytest.mark.django_db


def _warm(api: Api) -> Api:
    # The key's first request looks it up and records its use: queries the read doesn't own.
    assert api.get("/api/v1/catalog/categories/").status_code == 200
    return api


def _correct(report: Any) -> Any:
    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The condition grade was mistyped.",
    )
    deliver_events()  # as the correction's commit does, in the process that made it
    return corrected


def test_it_costs_one_query_then_none_and_answers_the_same(  # noqa: ANN001
    partner, report, django_assert_num_queries
) -> None:
    api = _warm(api_for(partner))
    path = f"/api/v1/reports/{report.uid}/"

    with django_assert_num_queries(1):  # the report with its submission and neighbours
        first = api.get(path)
    with django_assert_num_queries(0):
        again = api.get(path)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.json()["document"] == report.document and again.json()["version"] == 1


def test_a_corrected_version_costs_one_query_too(  # noqa: ANN001
    partner, report, django_assert_num_queries
) -> None:
    corrected = _correct(report)
    api = _warm(api_for(partner))

    with django_assert_num_queries(1):  # the version it supersedes comes in the same query
        body = api.get(f"/api/v1/reports/{corrected.uid}/").json()

    assert body["supersedes"] == str(report.uid) and body["superseded_by"] is None


def test_another_partners_key_and_a_sandbox_key_get_404_from_a_cached_body(  # noqa: ANN001
    partner, rival, report, django_assert_num_queries
) -> None:
    path = f"/api/v1/reports/{report.uid}/"
    assert api_for(partner).get(path).status_code == 200  # now cached
    theirs, sandbox = _warm(api_for(rival)), _warm(api_for(partner, sandbox=True))

    with django_assert_num_queries(0):  # refused from the cached owner, not the database
        refused = [theirs.get(path), sandbox.get(path)]

    unknown = theirs.get(f"/api/v1/reports/{uuid.uuid4()}/")
    assert [r.status_code for r in refused] == [404, 404]
    assert refused[0].json() == refused[1].json() == unknown.json()
    assert unknown.json()["error"]["code"] == "not_found"


def test_a_correction_shows_at_once(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/"
    assert api.get(path).json()["superseded_by"] is None  # now cached

    corrected = _correct(report)

    assert api.get(path).json()["superseded_by"] == str(corrected.uid)


def test_another_processs_change_shows_once_the_hold_runs_out(  # noqa: ANN001
    partner, report, monkeypatch, django_assert_num_queries
) -> None:
    api = _warm(api_for(partner))
    path = f"/api/v1/reports/{report.uid}/"
    api.get(path)  # stored in the shared cache
    api.get(path)  # and, served from there, held in this process
    # What a correction saved by another process leaves here: a new generation in the shared
    # cache, and this process's hold untouched.
    cache.incr(report_cache.GENERATION)

    with django_assert_num_queries(0):
        api.get(path)  # still held
    later = time.monotonic() + report_cache.HELD_SECONDS
    monkeypatch.setattr(hold, "time", SimpleNamespace(monotonic=lambda: later))
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200
    # Read again from the database (the key's hold ran out too, and its use may be recorded).
    assert len([q for q in queries if '"appraisals_report"' in q["sql"]]) == 1


def test_each_origin_gets_its_own_public_url(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/"

    plain, secure = api.get(path).json(), api.client.get(path, secure=True).json()

    assert plain["public_url"] == f"http://testserver/r/{report.public_token}/"
    assert secure["public_url"] == f"https://testserver/r/{report.public_token}/"
    assert api.get(path).json() == plain
