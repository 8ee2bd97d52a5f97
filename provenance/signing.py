"""The platform's signing key, and the signed bundles anyone can verify without us.

Scheme: the signature is an EIP-191 ``personal_sign`` (secp256k1, as Ethereum wallets sign)
over the 32 raw bytes of the SHA-256 of the document's RFC 8785 canonical JSON (see
`provenance.canonical`). The signer is known by its checksummed Ethereum address, so any
Ethereum library verifies a report; with ethers.js::

    verifyMessage(getBytes("0x" + sha256), signature) === signer

A bundle (`bundle_build`) carries the document, its SHA-256, the signer's address and the
signature in one JSON file; `bundle_verify` checks one offline. The private key comes from
``settings.REPORT_SIGNING_KEY`` and never leaves this module's `Signer`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from eth_account import Account
from eth_account.messages import SignableMessage, encode_defunct
from eth_account.signers.local import LocalAccount
from eth_keys.exceptions import BadSignature
from eth_utils import is_address, to_checksum_address
from eth_utils.exceptions import ValidationError

from provenance.canonical import CanonicalError, canonical_json, document_sha256

BUNDLE_FORMAT = "authplatform.signed-document/1"
BUNDLE_ALGORITHM = (
    "EIP-191 personal_sign (secp256k1) over the SHA-256 of the RFC 8785 canonical JSON"
)

# The order of the secp256k1 group: a private key is an integer in [1, n - 1].
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_HEX_KEY = re.compile(r"(?:0x)?([0-9a-fA-F]{64})")
_HEX_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


class SigningError(ValueError):
    """A key, signature or hash is malformed. The message never contains a private key."""


@dataclass(frozen=True)
class Signer:
    """A signing key, known to the world by its checksummed address."""

    address: str
    # Out of repr and comparisons, so the key never lands in a log line or a traceback.
    _account: LocalAccount = field(repr=False, compare=False)

    def sign_document(self, document: Mapping[str, Any]) -> str:
        """Sign the document's canonical SHA-256; returns the 65-byte signature as 0x-hex."""
        message = _message(document_sha256(document))
        return self._account.sign_message(message).signature.to_0x_hex()

    def sign_root(self, root: bytes) -> str:
        """Sign a 32-byte Merkle document root (provenance.commitments) the same way."""
        if len(root) != 32:
            raise SigningError(f"A document root is 32 bytes, not {len(root)}.")
        return self._account.sign_message(encode_defunct(primitive=root)).signature.to_0x_hex()


def root_signer_recover(*, root: bytes, signature: str) -> str:
    """The checksummed address that signed a document root; SigningError if unreadable."""
    return _recover(encode_defunct(primitive=root), signature)


def account_from_key(private_key_hex: str) -> LocalAccount:
    """The account of a 32-byte secp256k1 private key in hex, with or without 0x."""
    # Key files usually end with a newline, and FileAwareEnv passes it through.
    match = _HEX_KEY.fullmatch(private_key_hex.strip())
    if match is None:
        raise SigningError(
            "The signing key must be 64 hexadecimal digits (32 bytes), optionally prefixed with 0x."
        )
    if not 0 < int(match.group(1), 16) < _SECP256K1_N:
        raise SigningError("The signing key is not a valid secp256k1 private key.")
    return Account.from_key(bytes.fromhex(match.group(1)))


def signer_from_key(private_key_hex: str) -> Signer:
    """The signer for a 32-byte secp256k1 private key given in hex, with or without 0x."""
    account = account_from_key(private_key_hex)
    return Signer(address=account.address, _account=account)


def signer_get() -> Signer:
    """The platform's current signer, from ``settings.REPORT_SIGNING_KEY``."""
    key = settings.REPORT_SIGNING_KEY
    if not key:
        raise ImproperlyConfigured(
            "REPORT_SIGNING_KEY is not set: reports cannot be signed. Set it (or "
            "REPORT_SIGNING_KEY_FILE) to a 32-byte secp256k1 private key in hex."
        )
    try:
        return _signer_cached(key)
    except SigningError as error:
        raise ImproperlyConfigured(f"REPORT_SIGNING_KEY is unusable: {error}") from error


@functools.lru_cache(maxsize=4)
def _signer_cached(private_key_hex: str) -> Signer:
    # Keyed on the key itself, so a changed setting (tests, rotation) takes effect at once.
    return signer_from_key(private_key_hex)


def signature_recover(*, document: Mapping[str, Any], signature: object) -> str:
    """The checksummed address that made ``signature`` over ``document``.

    ``signature`` is taken as received: anything but 0x-prefixed hex of 65 bytes raises
    SigningError."""
    return _recover(_message(document_sha256(document)), signature)


def trusted_signers() -> list[str]:
    """Addresses whose signatures we accept: the current key and the earlier ones.

    Reports signed before a key rotation keep verifying as long as the old address stays
    in ``settings.REPORT_SIGNING_TRUSTED_SIGNERS``.
    """
    addresses = [signer_get().address]
    for address in settings.REPORT_SIGNING_TRUSTED_SIGNERS:
        if not is_address(address):
            raise ImproperlyConfigured(
                f"REPORT_SIGNING_TRUSTED_SIGNERS holds {address!r}, which is not an "
                "Ethereum address."
            )
        checksummed = to_checksum_address(address)
        if checksummed not in addresses:
            addresses.append(checksummed)
    return addresses


def bundle_build(*, document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
    """The downloadable, self-verifying form of a signed document."""
    return bundle_build_from_parts(
        document=document, signature=signer.sign_document(document), signer=signer.address
    )


def bundle_build_from_parts(
    *, document: Mapping[str, Any], signature: str, signer: str
) -> dict[str, Any]:
    """The bundle of a document signed earlier, from what was stored when it was signed
    (the signing key may have been rotated since)."""
    return {
        "format": BUNDLE_FORMAT,
        "algorithm": BUNDLE_ALGORITHM,
        "sha256": document_sha256(document),
        "signer": signer,
        "signature": signature,
        # A copy exactly as signed (tuples become lists), which later changes to the
        # caller's dict cannot reach.
        "document": json.loads(canonical_json(document)),
    }


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of `bundle_verify`.

    ``sha256`` is the hash of the document as received ("" if it cannot be hashed);
    ``signer`` is the address the bundle names (None if it names none); ``problems`` are
    sentences for a person, empty exactly when ``ok``.
    """

    ok: bool
    sha256: str
    signer: str | None
    problems: list[str]


def bundle_verify(bundle: Mapping[str, Any], *, trusted: Iterable[str]) -> BundleCheck:
    """Check a bundle from `bundle_build` offline; never raises on a malformed bundle."""
    if not isinstance(bundle, Mapping):
        return BundleCheck(
            ok=False, sha256="", signer=None, problems=["The bundle is not a JSON object."]
        )
    problems: list[str] = []
    if bundle.get("format") != BUNDLE_FORMAT:
        problems.append(
            f"The bundle's format is {bundle.get('format')!r}, expected {BUNDLE_FORMAT!r}."
        )

    document = bundle.get("document")
    actual_sha256 = ""
    if not isinstance(document, Mapping):
        problems.append("The bundle holds no document (a JSON object under 'document').")
    else:
        try:
            actual_sha256 = document_sha256(document)
        except CanonicalError as error:
            problems.append(f"The document cannot be canonicalised: {error}")

    claimed_sha256 = bundle.get("sha256")
    if not isinstance(claimed_sha256, str) or not _HEX_SHA256.fullmatch(claimed_sha256):
        problems.append("The bundle's 'sha256' is not 64 lowercase hexadecimal digits.")
        claimed_sha256 = None
    elif actual_sha256 and claimed_sha256 != actual_sha256:
        problems.append(
            f"The document was changed after it was signed: its SHA-256 is {actual_sha256}, "
            f"the signed SHA-256 is {claimed_sha256}."
        )

    signer = bundle.get("signer")
    if isinstance(signer, str) and is_address(signer):
        signer = to_checksum_address(signer)
    else:
        problems.append("The bundle's 'signer' is not an Ethereum address.")
        signer = None

    # The signature is checked against the hash it claims to sign, so a changed document
    # is reported once, as changed, rather than also as a bad signature.
    signed_sha256 = claimed_sha256 or actual_sha256
    signature = bundle.get("signature")
    if signer and signed_sha256:
        try:
            recovered = _recover(_message(signed_sha256), signature)
        except SigningError as error:
            problems.append(str(error))
        else:
            if recovered != signer:
                problems.append(
                    f"The signature was not made by {signer} over this SHA-256 (it was made "
                    f"by {recovered}): the signature, hash or signer was altered."
                )

    if signer:
        trusted_lower = {address.lower() for address in trusted}
        if signer.lower() not in trusted_lower:
            problems.append(f"The signer {signer} is not one of the trusted signers.")

    return BundleCheck(ok=not problems, sha256=actual_sha256, signer=signer, problems=problems)


def _message(sha256: str) -> SignableMessage:
    return encode_defunct(primitive=bytes.fromhex(sha256))


def _recover(message: SignableMessage, signature: Any) -> str:
    if not isinstance(signature, str) or not _HEX_SIGNATURE.fullmatch(signature):
        raise SigningError("The signature is not 65 bytes written as 0x-prefixed hex.")
    try:
        address = Account.recover_message(message, signature=signature)
    except (BadSignature, ValidationError, ValueError) as error:
        raise SigningError(f"The signature is malformed: {error}") from error
    return to_checksum_address(address)
