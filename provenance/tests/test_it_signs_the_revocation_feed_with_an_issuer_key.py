"""Each page of the revocation feed is signed with the report-signing key, which the issuer
metadata lists; a changed page fails. Once anchored, an entry names the batch and the
transaction, which carries the contract's `Revoked` log: the eth_getLogs query in
docs/provenance.md finds it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from eth_utils import keccak

from provenance.documents import document_revoke
from provenance.models import Deployment
from provenance.revocations import revocation_feed_signer
from provenance.signing import SigningError
from provenance.tests.conftest import Ganache, register_reports, settle

pytestmark = pytest.mark.django_db

# As docs/provenance.md gives it.
REVOKED_TOPIC = "0xf53e4c807734a99e87fb386d2952cda1e1aa71600280ecf91f5eaae69677c333"


def test_it_signs_the_revocation_feed_with_an_issuer_key(
    client: Client, w3: Any, ganache: Ganache, django_assert_num_queries: Any
) -> None:
    old, new = register_reports(2)
    settle(w3)
    notice = document_revoke(document=old, reason="corrected", superseded_by=new.doc_id)
    settle(w3)

    page = client.get("/verify/revocations.json").json()
    issuer = client.get("/.well-known/authplatform-issuer.json").json()

    signer = revocation_feed_signer(page)
    assert signer == page["signature"]["signer"]
    assert signer in [key["address"] for key in issuer["signing_keys"]]
    assert page["issuer"]["metadata"].endswith("/.well-known/authplatform-issuer.json")
    assert issuer["revocations"]["json"].endswith("/verify/revocations.json")
    changed = json.loads(json.dumps(page))
    changed["entries"][0]["reason_code"] = "withdrawn"
    with pytest.raises(SigningError):
        revocation_feed_signer(changed)
    resigned = {
        **changed,
        "signature": {**changed["signature"], "sha256": page["signature"]["sha256"]},
    }
    with pytest.raises(SigningError):
        revocation_feed_signer(resigned)

    (entry,) = page["entries"]
    anchor = entry["anchor"]
    assert anchor["seq"] == 2 and anchor["tx_hash"].startswith("0x")
    assert anchor["contract"] == issuer["contracts"][0]["address"]
    assert entry["revoked"]["root"] == old.root and entry["notice"]["root"] == notice.root

    # The documented eth_getLogs query: the contract, the Revoked topic, the revoked root.
    assert REVOKED_TOPIC == "0x" + keccak(text="Revoked(bytes32,uint256)").hex()
    deployment = Deployment.objects.get(retired_at__isnull=True)
    logs = ganache.rpc(
        "eth_getLogs",
        {
            "address": issuer["contracts"][0]["address"],
            "fromBlock": hex(issuer["contracts"][0]["deployed_in_block"]),
            "toBlock": "latest",
            "topics": [REVOKED_TOPIC, old.root],
        },
    )
    (log,) = logs
    assert log["address"].lower() == deployment.address.lower()
    assert log["transactionHash"] == anchor["tx_hash"]
    assert int(log["topics"][2], 16) == anchor["seq"]
    assert int(log["blockNumber"], 16) == anchor["block_number"]

    # Anchored entries cost one query more (their transactions), however many.
    with django_assert_num_queries(3):
        client.get("/verify/revocations.json")
