"""The revocation feed as Atom 1.0 for feed readers: newest first, each entry linking the
revoked document's verification page and its successor's."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from provenance.documents import document_revoke
from provenance.tests.conftest import register_reports

pytestmark = pytest.mark.django_db
A = "{http://www.w3.org/2005/Atom}"


def test_it_serves_the_revocations_as_atom(client: Client) -> None:
    empty = ET.fromstring(client.get("/verify/revocations.atom").content)
    assert empty.tag == f"{A}feed" and empty.find(f"{A}updated") is not None

    first_old, first_new, second_old, untouched = register_reports(4)
    first = document_revoke(document=first_old, reason="corrected", superseded_by=first_new.doc_id)
    second = document_revoke(document=second_old, reason="withdrawn")

    response = client.get("/verify/revocations.atom")

    assert response["Content-Type"].startswith("application/atom+xml") and response["ETag"]
    feed = ET.fromstring(response.content)
    for path in ("id", "title", "updated", "author/{A}name"):
        assert (feed.findtext(A + path.format(A=A)) or "").strip(), path
    assert feed.find(f"{A}link[@rel='self']").get("href").endswith("/verify/revocations.atom")
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        f"urn:uuid:{second.uid}",
        f"urn:uuid:{first.uid}",
    ]
    for entry in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{A}{tag}"), tag
    older = entries[1]
    assert (
        older.find(f"{A}link[@rel='alternate']").get("href").endswith(f"/verify/{first_old.uid}/")
    )
    assert older.find(f"{A}link[@rel='related']").get("href").endswith(f"/verify/{first_new.uid}/")
    assert "superseded" in older.findtext(f"{A}title")
    newer = entries[0]
    assert newer.find(f"{A}link[@rel='related']") is None
    assert "withdrawn" in newer.findtext(f"{A}title")
    # Registered, never revoked: not in the feed.
    assert str(untouched.uid) not in response.content.decode()
