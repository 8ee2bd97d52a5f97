"""Verify a proof bundle: ``python -m provenance.verify bundle.json --rpc URL``.

Needs only the bundle and, for the on-chain part, any JSON-RPC endpoint of the chain it
names: no database, no account, no other network. Exit status 0 when everything checks out,
1 when a check fails or the document is revoked, 2 when the file can't be read.
"""

from __future__ import annotations

import argparse
import json
import sys

from provenance.bundles import bundle_check, bundle_check_chain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provenance.verify", description=__doc__)
    parser.add_argument("bundle", help="the proof bundle (JSON) to check")
    parser.add_argument("--rpc", help="a JSON-RPC URL of the chain; without it, offline only")
    parser.add_argument(
        "--trust", action="append", default=[], metavar="ADDRESS",
        help="accept only signatures by this address (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, encoding="utf-8") as handle:
            bundle = json.load(handle)
    except (OSError, ValueError) as error:
        print(f"cannot read {args.bundle}: {error}", file=sys.stderr)
        return 2
    result = bundle_check(bundle, trusted_signers=args.trust)
    if args.rpc:
        from provenance.chain import web3_get

        w3 = web3_get(args.rpc, timeout=10)
        result = bundle_check_chain(bundle, w3=w3, result=result)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for step in result.steps:
            print(f"[{'ok' if step.ok else 'FAIL'}] {step.name}: {step.detail}")
        if result.revoked:
            print("REVOKED: this document has been withdrawn or superseded.")
        elif result.ok and not args.rpc and bundle.get("anchor"):
            print("OK offline; pass --rpc URL to check the anchor on chain.")
        print("VALID" if result.ok else "NOT VALID")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
