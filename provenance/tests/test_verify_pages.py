"""The public verification endpoints: GET /verify/<id> (JSON), its page, its bundle."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from provenance.documents import document_register, document_revoke
from provenance.models import Document
from provenance.selectors import bundle_for
from provenance.tests.conftest import Ganache, settle

pytestmark = pytest.mark.django_db

BODY = {"type": "report", "id": "r-page", "verdict": "authentic", "item": {"brand": "Rolex"}}


@pytest.fixture
def anchored(w3: Any) -> Document:
    document = document_register(body=BODY)
    settle(w3)
    return Document.objects.get(pk=document.pk)


def test_the_json_api_reports_the_anchor_and_every_check(
    client: Client, anchored: Document
) -> None:
    response = client.get(f"/verify/{anchored.uid}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "anchored"
    assert body["document"] == {"type": "report", "id": "r-page"}
    assert body["verification"]["ok"] is True
    assert body["outcome"] == body["verification"]["outcome"] == "valid"
    assert body["verification"]["pinned"] is True
    # Our own issuer metadata is pinned: the signer is our key, the contract ours.
    assert [s["name"] for s in body["verification"]["steps"]] == [
        "fields", "signature", "batch", "issuer", "anchor", "signer", "block", "transaction",
        "revocation",
    ]  # fmt: skip
    assert body["anchor"]["chain_id"] == 1337
    bundle = client.get(f"/verify/{anchored.uid}/bundle.json")
    assert json.loads(bundle.content) == json.loads(json.dumps(bundle_for(anchored)))


def test_the_page_shows_the_anchor_and_loads_its_own_verifier(
    client: Client, anchored: Document, ganache: Ganache
) -> None:
    page = client.get(f"/verify/{anchored.uid}/").content.decode()

    block = bundle_for(anchored)["anchor"]["block_number"]
    assert f"Anchored on chain 1337 in block {block} at" in page
    assert 'data-rpc-url="' + ganache.rpc_url + '"' in page
    assert "js/verify.js" in page
    assert 'class="step step--ok"' in page
    assert 'class="step step--fail"' not in page
    assert 'data-outcome="valid"' in page
    assert 'data-issuer-url="/.well-known/authplatform-issuer.json"' in page


def test_a_pending_document_says_when_to_expect_it(client: Client) -> None:
    document = document_register(body=BODY)

    body = client.get(f"/verify/{document.uid}").json()
    page = client.get(f"/verify/{document.uid}/").content.decode()

    assert body["status"] == "pending" and body["expected_by"]
    assert body["verification"]["ok"] is True
    assert body["outcome"] == "pending"
    assert "Pending anchor, expected by" in page
    assert 'data-outcome="pending"' in page


def test_a_revoked_document_says_so_with_its_reason_and_successor(
    client: Client, anchored: Document, w3: Any
) -> None:
    document_revoke(document=anchored, reason="The serial was misread.", superseded_by="r-page-2")
    settle(w3)

    body = client.get(f"/verify/{anchored.uid}").json()
    page = client.get(f"/verify/{anchored.uid}/").content.decode()

    assert body["outcome"] == "revoked"
    revocation = body["verification"]["revocation"]
    assert revocation["code"] == "superseded" and revocation["superseded_by"] == "r-page-2"
    assert revocation["reason"] == "The serial was misread." and revocation["revoked_at"]
    assert 'data-outcome="revoked"' in page and "superseded by r-page-2" in page


def test_the_chain_down_is_a_failed_step_not_an_error(
    client: Client, anchored: Document, ganache: Ganache
) -> None:
    ganache.stop()

    response = client.get(f"/verify/{anchored.uid}")

    assert response.status_code == 200
    failed = [s for s in response.json()["verification"]["steps"] if not s["ok"]]
    assert failed and failed[0]["name"] == "chain"
    assert "could not be asked" in failed[0]["detail"]
    # A node that does not answer says nothing about the document: not checked, not invalid.
    assert response.json()["outcome"] == "unchecked"


def test_an_unknown_document_is_404(client: Client) -> None:
    assert client.get(f"/verify/{uuid.uuid4()}").status_code == 404
    assert client.get("/verify/not-a-uuid").status_code == 404


def test_staff_see_batches_and_transactions_read_only(
    client: Client, anchored: Document, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser(email="ops@example.com", password="x")
    client.force_login(admin)

    listing = client.get("/admin/provenance/batch/")
    detail = client.get(f"/admin/provenance/batch/{anchored.batch_id}/change/")
    document = client.get(f"/admin/provenance/document/{anchored.pk}/change/")

    assert listing.status_code == detail.status_code == document.status_code == 200
    assert anchored.batch.transactions.get().tx_hash in detail.content.decode()
    salt = next(iter(anchored.salts.values()))
    assert salt not in document.content.decode()
    assert client.get("/admin/provenance/batch/add/").status_code == 403
