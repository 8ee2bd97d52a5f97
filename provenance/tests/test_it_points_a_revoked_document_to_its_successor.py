"""A superseded document's verification (JSON and page, in English and Chinese) names the
document that replaces it and links to its verification; one revoked outright, or still
valid, names none."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from provenance.documents import document_revoke
from provenance.tests.conftest import register_reports, settle

pytestmark = pytest.mark.django_db


def test_it_points_a_revoked_document_to_its_successor(client: Client, w3: Any) -> None:
    old, new, withdrawn = register_reports(3)
    settle(w3)
    document_revoke(document=old, reason="The brand was misread.", superseded_by=new.doc_id)
    document_revoke(document=withdrawn, reason="Issued by mistake.")
    settle(w3)

    body = client.get(f"/verify/{old.uid}").json()
    assert body["outcome"] == "revoked"
    assert body["successor"]["document"] == {"type": "report", "id": new.doc_id}
    assert body["successor"]["verify_url"].endswith(f"/verify/{new.uid}/")
    page = client.get(f"/verify/{old.uid}/").content.decode()
    assert f'href="/verify/{new.uid}/"' in page and "Verify the version that replaces it" in page
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/verify/{old.uid}/").content.decode()
    assert f'href="/verify/{new.uid}/"' in chinese and "验证取代它的版本" in chinese

    for other in (withdrawn, new):
        assert client.get(f"/verify/{other.uid}").json()["successor"] is None
        assert 'id="successor"' not in client.get(f"/verify/{other.uid}/").content.decode()
