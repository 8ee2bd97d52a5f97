"""Connection to the chain node (ganache locally, any EVM JSON-RPC endpoint elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.exceptions import Web3Exception

from provenance.bundles import Verification, bundle_check, bundle_check_chain
from provenance.issuer import Issuer, issuer_from_metadata


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    chain_id: int | None = None
    block_number: int | None = None
    error: str = ""


def web3_get(rpc_url: str | None = None, *, timeout: float = 5.0) -> Web3:
    """A client of ``rpc_url``, or of ``settings.ETH_RPC_URL`` (read only when no URL is given,
    so the offline verifier works without Django settings)."""
    if rpc_url is None:
        from django.conf import settings

        rpc_url = settings.ETH_RPC_URL
    return Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))


def chain_status(*, rpc_url: str, timeout: float = 2.0) -> ChainStatus:
    """Ask the node for its chain id and head block; never raises."""
    w3 = web3_get(rpc_url, timeout=timeout)
    try:
        return ChainStatus(ok=True, chain_id=w3.eth.chain_id, block_number=w3.eth.block_number)
    except (OSError, ValueError, Web3Exception) as error:
        return ChainStatus(ok=False, error=f"{type(error).__name__}: {error}"[:200])


def issuer_own() -> Issuer:
    """Our own issuer metadata as pins: what the server holds every bundle to."""
    from provenance.selectors import issuer_metadata

    return issuer_from_metadata(issuer_metadata())


def bundle_verification(bundle: Any, *, ask_node: bool = True) -> Verification:
    """Every offline check of a proof bundle against our own issuer metadata (our keys in
    their windows, our contract), then, if the bundle names an anchor and ``ask_node``, what
    the node at ``ETH_RPC_URL`` says."""
    issuer = issuer_own()
    result = bundle_check(bundle, issuer=issuer)
    if ask_node and isinstance(bundle, dict) and bundle.get("anchor"):
        result = bundle_check_chain(bundle, w3=web3_get(), result=result, issuer=issuer)
    return result
