"""The contract's own record of report-signing keys: the batch that first carries a key's
documents authorises it, the first batch after its retirement retires it, and a verifier that
pins only the contract holds the signer to that record, without the issuer's web server."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from web3 import Web3

from provenance.anchoring import anchor_tick, batch_seal, deployment_live
from provenance.bundles import Outcome, bundle_check_chain
from provenance.contracts import artifact_load
from provenance.documents import document_register
from provenance.issuer import Issuer
from provenance.models import Batch, Deployment, Document
from provenance.selectors import bundle_for
from provenance.tests.conftest import live_contract, settle
from provenance.tests.tamper_corpus import signed_not_anchored

pytestmark = pytest.mark.django_db


def _report(n: int) -> Document:
    return document_register(body={"type": "report", "id": f"key-{n}", "verdict": "authentic"})


def _contract_only(w3: Web3) -> Issuer:
    """A verifier that pinned the issuer's contract and nothing else: no key list."""
    return Issuer(contract=live_contract(w3).address)


def test_a_rotation_authorises_the_new_key_and_retires_the_old_one_on_chain(
    w3: Web3, settings: Any
) -> None:
    old_key = settings.REPORT_SIGNING_KEY
    old = _report(1)
    settle(w3)
    settings.REPORT_SIGNING_KEY = secrets.token_hex(32)
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = [old.signer]
    new = _report(2)
    settle(w3)  # the old key's documents are all anchored: it is retired, here and on chain
    _report(3)
    settle(w3)

    contract = live_contract(w3)
    batches = list(Batch.objects.order_by("seq"))
    assert [(b.authorises, b.retires) for b in batches] == [
        ([old.signer], []),
        ([new.signer], [old.signer]),
        ([], []),
    ]
    assert contract.functions.signer_window(old.signer).call() == [1, 1]
    assert contract.functions.signer_window(new.signer).call() == [2, 0]

    # What the old key signed before the rotation still verifies against the contract alone.
    for document in (old, new):
        result = bundle_check_chain(
            bundle_for(Document.objects.get(pk=document.pk)), w3=w3, issuer=_contract_only(w3)
        )
        assert result.outcome is Outcome.VALID, result.steps
        assert next(s for s in result.steps if s.name == "signer").ok

    # The retired key signs nothing new: a fresh document by it, not anchored, is refused.
    result = bundle_check_chain(signed_not_anchored(old_key, 9), w3=w3, issuer=_contract_only(w3))
    assert result.outcome is Outcome.INVALID
    assert result.steps[-1].name == "signer"
    assert "retired after batch 1" in result.reason


def test_a_signer_the_contract_never_authorised_is_invalid(w3: Web3) -> None:
    document = _report(4)
    batch = batch_seal(deployment=deployment_live(1337), force=True)
    # A writer that forgot the key: the batch is anchored, the key never authorised.
    Batch.objects.filter(pk=batch.pk).update(authorises=[])
    settle(w3)

    bundle = bundle_for(Document.objects.get(pk=document.pk))
    result = bundle_check_chain(bundle, w3=w3, issuer=_contract_only(w3))

    assert bundle["anchor"] is not None
    assert result.outcome is Outcome.INVALID
    assert result.steps[-1].name == "signer"
    assert result.reason.endswith("never authorised.")


def test_a_contract_from_an_older_source_is_replaced_on_a_devnet(w3: Web3) -> None:
    document = _report(5)
    settle(w3)
    first = Deployment.objects.get()
    Deployment.objects.filter(pk=first.pk).update(source_sha256="")  # as before migration 0004

    report = anchor_tick(w3=w3)
    settle(w3)

    assert not report.error, report.error
    first.refresh_from_db()
    live = Deployment.objects.get(retired_at__isnull=True)
    assert first.retired_at is not None and live.pk != first.pk
    assert live.source_sha256 == artifact_load()["source_sha256"]
    # Its documents are anchored again, in the new contract, and verify there.
    result = bundle_check_chain(bundle_for(Document.objects.get(pk=document.pk)), w3=w3)
    assert result.outcome is Outcome.VALID, result.steps
    assert bundle_for(Document.objects.get(pk=document.pk))["anchor"]["contract"] == live.address


def test_elsewhere_an_outdated_contract_waits_for_an_operator(w3: Web3, settings: Any) -> None:
    _report(6)
    settle(w3)
    Deployment.objects.update(source_sha256="")
    settings.ANCHOR_DEVNET_FUNDING = False

    report = anchor_tick(w3=w3)

    assert "older code" in report.error and "--replace" in report.error
    assert Deployment.objects.get().retired_at is None
