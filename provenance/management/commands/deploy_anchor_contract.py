"""Deploy the AnchorLog contract on the configured chain and record its address.

    manage.py deploy_anchor_contract [--wait SECONDS] [--replace]

Idempotent: if this chain already has a live contract (its code is still there), it says so
and changes nothing. A live contract compiled from an older AnchorLog source is replaced only
with ``--replace``: it is retired, and every document it anchored is anchored again in the
new one (the issuer metadata lists only the live contract). ``--wait`` waits for the node to
come up first (``make run`` starts the node and the anchoring worker together).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from eth_utils import to_checksum_address
from web3.exceptions import Web3Exception

from provenance.anchoring import (
    contract_deploy,
    deployment_live,
    deployment_retire,
)
from provenance.chain import web3_get
from provenance.contracts import artifact_load
from provenance.signing_keys import signing_keys_sync


class Command(BaseCommand):
    help = "Deploy the AnchorLog contract on ETH_RPC_URL's chain (once) and record its address."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the node")
        parser.add_argument("--rpc", default=None, help="the node's URL (default ETH_RPC_URL)")
        parser.add_argument(
            "--replace", action="store_true",
            help="replace a live contract compiled from an older source",
        )  # fmt: skip

    def handle(
        self, *args: Any, wait: float, rpc: str | None, replace: bool, **options: Any
    ) -> None:
        w3 = web3_get(rpc)
        deadline = time.monotonic() + wait
        while True:
            try:
                chain_id = w3.eth.chain_id
                break
            except (OSError, Web3Exception) as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"The chain node does not answer: {error}") from error
                time.sleep(0.5)
        try:
            # The issuer metadata names the report-signing key from now on.
            signing_keys_sync()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        live = deployment_live(chain_id)
        if live is not None and w3.eth.get_code(to_checksum_address(live.address)):
            current = live.source_sha256 == artifact_load()["source_sha256"]
            if current or not replace:
                self.stdout.write(
                    f"AnchorLog is already deployed on chain {chain_id} at {live.address}"
                    + ("" if current else " (older code: pass --replace to replace it)")
                )
                return
        try:
            if live is not None:
                # The chain was reset, or the contract is outdated: its documents are batched
                # again on the new contract.
                deployment_retire(live)
            deployment = contract_deploy(w3=w3)
        except (ImproperlyConfigured, Web3Exception, RuntimeError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Deployed AnchorLog on chain {chain_id} at {deployment.address} "
                f"(block {deployment.block_number})"
            )
        )
