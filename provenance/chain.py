"""Connection to the chain node (ganache locally, any EVM JSON-RPC endpoint elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3
from web3.exceptions import Web3Exception


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    chain_id: int | None = None
    block_number: int | None = None
    error: str = ""


def chain_status(*, rpc_url: str, timeout: float = 2.0) -> ChainStatus:
    """Ask the node for its chain id and head block; never raises."""
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    try:
        return ChainStatus(ok=True, chain_id=w3.eth.chain_id, block_number=w3.eth.block_number)
    except (OSError, ValueError, Web3Exception) as error:
        return ChainStatus(ok=False, error=f"{type(error).__name__}: {error}"[:200])
