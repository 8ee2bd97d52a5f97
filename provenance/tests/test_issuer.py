"""The issuer a verifier pins: /.well-known/authplatform-issuer.json, the record of signing
keys and their windows, and bundles held to them (a stranger's key, a key out of its window)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from web3 import Web3

from provenance.bundles import BUNDLE_FORMAT, Outcome, bundle_check, bundle_check_chain
from provenance.canonical import utc_parse
from provenance.chain import bundle_verification
from provenance.documents import document_register
from provenance.issuer import Issuer, IssuerKey, issuer_from_metadata
from provenance.models import Deployment, Document, SigningKey
from provenance.selectors import bundle_for, issuer_metadata
from provenance.signing import signer_get
from provenance.tests.conftest import settle

pytestmark = pytest.mark.django_db


def _anchored(w3: Web3, n: int) -> Document:
    document = document_register(body={"type": "report", "id": f"iss-{n}", "verdict": "authentic"})
    settle(w3)
    return Document.objects.get(pk=document.pk)


def test_the_issuer_metadata_is_public_json_at_a_well_known_address(
    client: Client, w3: Web3
) -> None:
    document = _anchored(w3, 1)

    response = client.get("/.well-known/authplatform-issuer.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Content-Security-Policy" not in response
    body = response.json()
    deployment = Deployment.objects.get()
    assert body["format"] == "authplatform.issuer/1" and body["name"] == "authplatform"
    assert body["signing_keys"] == [
        {
            "address": signer_get().address,
            "status": "current",
            "valid_from": body["signing_keys"][0]["valid_from"],
            "retired_at": None,
        }
    ]
    # The key began with its first document, to the second.
    assert utc_parse(body["signing_keys"][0]["valid_from"]) <= document.created_at
    assert body["contracts"] == [
        {
            "chain_id": 1337,
            "address": deployment.address,
            "deployed_in_block": deployment.block_number,
        }
    ]
    assert body["bundle"] == {
        "format": BUNDLE_FORMAT,
        "spec": "docs/bundle-spec.md",
    }
    # It is what a verifier pins, and our own bundles pass it.
    pins = issuer_from_metadata(body)
    assert bundle_check_chain(bundle_for(document), w3=w3, issuer=pins).outcome is Outcome.VALID
    assert client.post("/.well-known/authplatform-issuer.json").status_code == 405


def test_a_rotated_key_is_retired_once_its_documents_are_anchored(w3: Web3, settings: Any) -> None:
    old = _anchored(w3, 2)
    waiting = document_register(body={"type": "report", "id": "iss-3", "verdict": "authentic"})
    settings.REPORT_SIGNING_KEY = secrets.token_hex(32)
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = [old.signer]
    settings.ANCHOR_BATCH_MAX_WAIT_SECONDS = 3600  # the old key's last document waits

    from provenance.signing_keys import signing_keys_sync

    signing_keys_sync()
    retiring = {key["address"]: key for key in issuer_metadata()["signing_keys"]}
    settings.ANCHOR_BATCH_MAX_WAIT_SECONDS = 0
    settle(w3)
    retired = {key["address"]: key for key in issuer_metadata()["signing_keys"]}

    new = signer_get().address
    assert retiring[old.signer]["status"] == "retiring"
    assert retiring[old.signer]["retired_at"] is None
    assert retiring[new]["status"] == "current"
    # Retired when its last document was anchored: nothing it signed is anchored later.
    last = Document.objects.select_related("batch").get(pk=waiting.pk).batch
    assert retired[old.signer]["status"] == "retired"
    assert utc_parse(retired[old.signer]["retired_at"]) == last.anchored_at
    assert [key["address"] for key in issuer_metadata()["signing_keys"]] == [old.signer, new]
    assert SigningKey.objects.count() == 2
    # Reports it signed still verify, on the server too.
    assert bundle_verification(bundle_for(old)).outcome is Outcome.VALID


def test_a_bundle_signed_by_a_key_that_is_not_the_issuers_is_invalid(
    w3: Web3, settings: Any
) -> None:
    _anchored(w3, 4)
    pinned = issuer_metadata()
    settings.REPORT_SIGNING_KEY = secrets.token_hex(32)  # someone else's key
    stranger = _anchored(w3, 5)

    result = bundle_check_chain(bundle_for(stranger), w3=w3, issuer=issuer_from_metadata(pinned))

    assert result.outcome is Outcome.INVALID
    assert result.reason == f"Signed by {stranger.signer}, which is not one of the issuer's keys."
    # The server holds bundles to its own keys, which never included that one.
    settings.REPORT_SIGNING_KEY = secrets.token_hex(32)
    assert bundle_verification(bundle_for(stranger)).outcome is Outcome.INVALID


def test_a_key_used_outside_its_validity_window_is_invalid(w3: Web3) -> None:
    document = _anchored(w3, 6)
    bundle = bundle_for(document)
    anchored_at = utc_parse(bundle["anchor"]["anchored_at"])
    second = timedelta(seconds=1)

    def pinned(**window: Any) -> Outcome | str:
        issuer = Issuer(keys=(IssuerKey(address=document.signer, **window),))
        result = bundle_check(bundle, issuer=issuer)
        return result.reason if result.outcome is Outcome.INVALID else result.outcome

    assert pinned(valid_from=anchored_at, retired_at=anchored_at) is Outcome.UNCHECKED
    assert "after the issuer retired that key" in pinned(retired_at=anchored_at - second)
    assert "before the issuer began using that key" in pinned(valid_from=anchored_at + second)
    # Not anchored at all, by a retired key: it can no longer sign anything new.
    pending = bundle_check({**bundle, "anchor": None}, issuer=Issuer(
        keys=(IssuerKey(address=document.signer, retired_at=anchored_at),)
    ))  # fmt: skip
    assert pending.outcome is Outcome.INVALID and "a key the issuer retired" in pending.reason
