"""Issuer metadata: which keys sign our bundles, when, and which contract anchors them.

A bundle names its own signer and contract, so on its own it proves only that it is
self-consistent. The platform publishes what a verifier should pin at
``/.well-known/authplatform-issuer.json`` (built by ``provenance.selectors.issuer_metadata``);
`issuer_from_metadata` reads a pinned copy into an `Issuer`, which the bundle checks
(provenance.bundles) hold a bundle against. Pure: no Django, no network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eth_utils import is_address, to_checksum_address

from provenance.canonical import utc_parse, utc_timestamp

ISSUER_FORMAT = "authplatform.issuer/1"
WELL_KNOWN_PATH = "/.well-known/authplatform-issuer.json"


class IssuerError(ValueError):
    """The issuer metadata is not in the ``authplatform.issuer/1`` format."""


@dataclass(frozen=True)
class IssuerKey:
    """A report-signing key and its validity window.

    ``valid_from``: nothing it signed was anchored earlier (None: no lower bound).
    ``retired_at``: everything it signed was anchored by then (None: it still signs).
    """

    address: str
    valid_from: datetime | None = None
    retired_at: datetime | None = None


@dataclass(frozen=True)
class Issuer:
    """What a verifier pins; a part left None is not pinned (the bundle's word is taken)."""

    name: str = ""
    keys: tuple[IssuerKey, ...] | None = None
    # Chain id -> the issuer's AnchorLog there.
    contracts: Mapping[int, str] | None = None
    # One address pinned by hand (``--contract``), whatever the chain.
    contract: str | None = None

    @property
    def pins_contract(self) -> bool:
        return self.contract is not None or self.contracts is not None

    def contract_for(self, chain_id: int) -> str | None:
        """The address a bundle anchored on ``chain_id`` must name, if one is pinned."""
        if self.contract is not None:
            return self.contract
        return (self.contracts or {}).get(chain_id)

    def contract_problem(self, chain_id: int, address: str) -> str | None:
        """Why a bundle anchored in ``address`` on ``chain_id`` is not the issuer's, or None."""
        if not self.pins_contract:
            return None
        expected = self.contract_for(chain_id)
        if expected is None:
            return f"Anchored in {address} on chain {chain_id}, where the issuer has no contract."
        if expected.lower() != address.lower():
            return (
                f"Anchored in {address} which is not the issuer's contract {expected} for chain "
                f"{chain_id}."
            )
        return None

    def signer_problem(self, signer: str, anchored_at: datetime | None) -> str | None:
        """Why ``signer`` cannot have signed for the issuer a document anchored at
        ``anchored_at`` (None: not anchored), or None if it can."""
        if self.keys is None:
            return None
        key = next((k for k in self.keys if k.address.lower() == signer.lower()), None)
        if key is None:
            return f"Signed by {signer}, which is not one of the issuer's keys."
        if anchored_at is None:
            if key.retired_at is not None:
                return (
                    f"Signed by {signer}, a key the issuer retired at "
                    f"{utc_timestamp(key.retired_at)}; everything it signed was anchored by "
                    "then, and this document is not anchored."
                )
            return None
        if key.valid_from is not None and anchored_at < key.valid_from:
            return (
                f"Signed by {signer} but anchored at {utc_timestamp(anchored_at)}, before the "
                f"issuer began using that key ({utc_timestamp(key.valid_from)}): outside its "
                "validity window."
            )
        if key.retired_at is not None and anchored_at > key.retired_at:
            return (
                f"Signed by {signer} but anchored at {utc_timestamp(anchored_at)}, after the "
                f"issuer retired that key ({utc_timestamp(key.retired_at)}): outside its "
                "validity window."
            )
        return None


def issuer_from_metadata(data: Any) -> Issuer:
    """The pins in issuer metadata (what ``/.well-known/authplatform-issuer.json`` serves)."""
    if not isinstance(data, Mapping) or data.get("format") != ISSUER_FORMAT:
        raise IssuerError(f"This is not issuer metadata ({ISSUER_FORMAT}).")
    rows = data.get("signing_keys")
    if not isinstance(rows, list) or not rows:
        raise IssuerError("The issuer metadata lists no signing keys.")
    keys = []
    for row in rows:
        try:
            keys.append(
                IssuerKey(
                    address=_address(row.get("address")),
                    valid_from=_moment(row.get("valid_from")),
                    retired_at=_moment(row.get("retired_at")),
                )
            )
        except (AttributeError, ValueError) as error:
            raise IssuerError(
                f"A signing key in the issuer metadata is malformed: {error}"
            ) from error
    contracts: dict[int, str] = {}
    rows = data.get("contracts")
    if not isinstance(rows, list):
        raise IssuerError("The issuer metadata has no list of contracts.")
    for row in rows:
        chain_id = row.get("chain_id") if isinstance(row, Mapping) else None
        if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id in contracts:
            raise IssuerError(f"A contract in the issuer metadata has a bad chain id: {row!r}")
        try:
            contracts[chain_id] = _address(row.get("address"))
        except ValueError as error:
            raise IssuerError(f"The contract for chain {chain_id} is malformed: {error}") from error
    return Issuer(name=str(data.get("name", "")), keys=tuple(keys), contracts=contracts)


def contract_pinned(address: str) -> str:
    """A contract address given by hand, checksummed; ValueError if it is not one."""
    return _address(address)


def _address(value: Any) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise ValueError(f"{value!r} is not an Ethereum address")
    return to_checksum_address(value)


def _moment(value: Any) -> datetime | None:
    return None if value is None else utc_parse(value)
