"""Check a downloaded, signed report bundle offline: no database, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from eth_utils import is_address

from provenance.signing import bundle_verify, trusted_signers


class Command(BaseCommand):
    help = (
        "Verify a signed report bundle (JSON) offline: its hash, its signature, and that the "
        "signer is trusted. Exits 0 when it verifies, 1 when it does not."
    )
    # A stranger's laptop has no database, and the checks would only slow the answer down.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The bundle JSON downloaded from the report page.")
        parser.add_argument(
            "--signer",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="Trust this signer address (repeatable). Default: the platform's own keys.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bundle = _bundle_read(Path(options["file"]))
        trusted = _trusted(options["signer"])
        check = bundle_verify(bundle, trusted=trusted)

        document = bundle.get("document") if isinstance(bundle, dict) else None
        if isinstance(document, dict) and ("type" in document or "id" in document):
            self.stdout.write(f"Document: {document.get('type', '?')} {document.get('id', '?')}")
        self.stdout.write(f"SHA-256:  {check.sha256 or '(cannot be computed)'}")
        self.stdout.write(f"Signer:   {check.signer or '(none)'}")
        if check.ok:
            self.stdout.write(self.style.SUCCESS("OK: the signature is valid and trusted."))
            return
        self.stdout.write(self.style.ERROR("FAILED:"))
        for problem in check.problems:
            self.stdout.write(f"  - {problem}")
        # Not a CommandError: the file was read fine, it just does not verify.
        raise SystemExit(1)


def _bundle_read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicates)
    except ValueError as error:
        raise CommandError(f"{path} is not valid JSON: {error}") from error


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; a viewer might show the first. A bundle
    # that can be read two ways must not verify as one of them.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _trusted(signers: list[str]) -> list[str]:
    if signers:
        for address in signers:
            if not is_address(address):
                raise CommandError(f"--signer {address!r} is not an Ethereum address.")
        return signers
    try:
        return trusted_signers()
    except ImproperlyConfigured as error:
        raise CommandError(
            f"No trusted signers configured ({error}). Pass the expected address with --signer."
        ) from error
