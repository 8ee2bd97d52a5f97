"""Verify a proof bundle: ``python -m provenance.verify bundle.json --rpc URL --issuer URL``.

Needs only the bundle, for the on-chain part any JSON-RPC endpoint of the chain it names, and
to know who issued it a pinned copy of the issuer's metadata (``--issuer``: the issuer's site,
fetched once and pinned in the pin store, or a saved copy of
/.well-known/authplatform-issuer.json) or the issuer's contract (``--contract``): no database,
no account, no other network.

Exit status: 0 VALID, 1 INVALID, 2 the bundle or the issuer metadata can't be read, fetched
or pinned (or bad arguments), 3 PENDING (not anchored yet), 4 REVOKED, 5 NOT CHECKED (no
--rpc, or the node did not answer).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from provenance.bundles import (
    EXIT_CODES,
    EXIT_USAGE,
    LABELS,
    Outcome,
    Verification,
    bundle_check,
    bundle_check_chain,
)
from provenance.issuer import Issuer, IssuerError, contract_pinned, issuer_from_metadata
from provenance.pins import is_issuer_url, issuer_pin, pin_store_default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m provenance.verify",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("bundle", help="the proof bundle (JSON) to check")
    parser.add_argument("--rpc", help="a JSON-RPC URL of the chain; without it, offline only")
    parser.add_argument(
        "--issuer", metavar="FILE|URL",
        help="the issuer's metadata, pinned: its keys (with their validity) and contracts; a "
        "saved copy, or the issuer's https:// site, fetched on first use and pinned",
    )  # fmt: skip
    parser.add_argument(
        "--pins", metavar="DIR",
        help="the pin store for --issuer URL (default: $AUTHPLATFORM_PINS, else "
        "$XDG_CONFIG_HOME/authplatform/pins or ~/.config/authplatform/pins)",
    )  # fmt: skip
    parser.add_argument(
        "--refresh-pin", action="store_true",
        help="fetch the --issuer URL again; refuse a change to a pinned contract or key",
    )  # fmt: skip
    parser.add_argument(
        "--accept-issuer-change", action="store_true",
        help="with --refresh-pin: pin the new metadata even if it changes the pinned one",
    )  # fmt: skip
    parser.add_argument(
        "--contract", metavar="ADDRESS",
        help="accept only bundles anchored in this contract",
    )  # fmt: skip
    parser.add_argument(
        "--trust", action="append", default=[], metavar="ADDRESS",
        help="accept only signatures by this address (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        bundle = _json_read(args.bundle)
        issuer = _issuer(args)
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    result = bundle_check(bundle, trusted_signers=args.trust, issuer=issuer)
    if args.rpc:
        from provenance.chain import web3_get

        w3 = web3_get(args.rpc, timeout=10)
        result = bundle_check_chain(bundle, w3=w3, result=result, issuer=issuer)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(result, rpc=bool(args.rpc))
    return EXIT_CODES[result.outcome]


def _json_read(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from error


def _issuer(args: argparse.Namespace) -> Issuer | None:
    source, contract = args.issuer, args.contract
    url = bool(source) and is_issuer_url(source)
    if args.refresh_pin and not url:
        raise ValueError("--refresh-pin needs --issuer URL")
    if args.accept_issuer_change and not args.refresh_pin:
        raise ValueError("--accept-issuer-change goes with --refresh-pin")
    issuer = None
    if url:
        pinned = issuer_pin(
            source,
            store=Path(args.pins) if args.pins else pin_store_default(),
            refresh=args.refresh_pin,
            accept_change=args.accept_issuer_change,
        )
        if pinned.note:
            print(pinned.note, file=sys.stderr)
        issuer = pinned.issuer
    elif source:
        try:
            issuer = issuer_from_metadata(_json_read(source))
        except IssuerError as error:
            raise ValueError(f"{source}: {error}") from error
    if contract:
        try:
            address = contract_pinned(contract)
        except ValueError as error:
            raise ValueError(f"--contract: {error}") from error
        issuer = replace(issuer or Issuer(), contract=address)
    return issuer


def _print(result: Verification, *, rpc: bool) -> None:
    for step in result.steps:
        print(f"[{'ok' if step.ok else 'FAIL'}] {step.name}: {step.detail}")
    outcome = result.outcome
    if not result.pinned:
        print(
            "WARNING: nothing pins the issuer, so the bundle's own word is taken for who signed "
            "and anchored it; pass --issuer URL|FILE (or --contract ADDRESS)."
        )
    if outcome is Outcome.UNCHECKED and not rpc:
        print(f"{LABELS[outcome]}: {result.reason} Pass --rpc URL to check the anchor on chain.")
    else:
        print(f"{LABELS[outcome]}: {result.reason}")


if __name__ == "__main__":
    sys.exit(main())
