"""The revocation feed's JSON pages: oldest first, a cursor that never skips or repeats an
entry as the feed grows, a fixed number of queries a page, and a 304 for an unchanged page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from provenance.documents import document_revoke
from provenance.models import Document
from provenance.tests.conftest import register_reports

pytestmark = pytest.mark.django_db


def _revoke(count: int, start: int) -> list[Document]:
    """``count`` documents revoked, each superseded by a new one: the notices, in order."""
    notices = []
    for n in range(start, start + count):
        old, new = register_reports(2, start=2 * n)
        notices.append(document_revoke(document=old, reason="corrected", superseded_by=new.doc_id))
    return notices


def _get(client: Client, url: str, **headers: Any) -> Any:
    parts = urlsplit(url)
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""), **headers)


def test_it_pages_the_revocation_feed_stably(
    client: Client, django_assert_num_queries: Any
) -> None:
    notices = _revoke(5, 0)

    seen, url, pages = [], "/verify/revocations.json?limit=2", []
    while True:
        page = _get(client, url).json()
        pages.append(page)
        seen += page["entries"]
        url = page["next"]
        if not page["has_more"]:
            break
    assert [len(p["entries"]) for p in pages] == [2, 2, 1]
    assert [e["id"] for e in seen] == [str(n.uid) for n in notices]
    assert [e["revoked"]["id"] for e in seen] == [f"r-{2 * n}" for n in range(5)]
    assert [e["successor"]["id"] for e in seen] == [f"r-{2 * n + 1}" for n in range(5)]
    assert all(e["reason_code"] == "superseded" for e in seen)
    assert seen == client.get("/verify/revocations.json").json()["entries"]

    # At the end, `next` waits where the feed ends; later revocations come after it, once.
    assert _get(client, url).json()["entries"] == []
    later = _revoke(2, 5)
    assert [e["id"] for e in _get(client, url).json()["entries"]] == [str(n.uid) for n in later]

    # The same queries for a page of 2 as of 7: the cursor, the notices, their documents.
    for limit in (2, 7):
        with django_assert_num_queries(3):
            client.get(f"/verify/revocations.json?after={notices[0].uid}&limit={limit}")


def test_it_answers_304_while_the_page_is_unchanged(client: Client) -> None:
    _revoke(1, 0)
    first = client.get("/verify/revocations.json")
    assert first["ETag"] and "public" in first["Cache-Control"]

    again = client.get("/verify/revocations.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

    _revoke(1, 1)
    changed = client.get("/verify/revocations.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and len(changed.json()["entries"]) == 2


def test_it_refuses_an_unknown_cursor_or_a_bad_limit(client: Client) -> None:
    (report,) = register_reports(1, start=50)
    for query in ("after=nonsense", f"after={report.uid}", "limit=0", "limit=501", "limit=x"):
        response = client.get(f"/verify/revocations.json?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["code"] == "invalid"
