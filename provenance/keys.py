"""The key that sends anchoring transactions, behind one small interface.

Everything that signs a transaction goes through `TransactionSigner`: an address and a
``sign_transaction`` that turns a transaction dict into raw signed bytes. `LocalKeySigner`
holds a private key from ``settings.ANCHOR_SIGNING_KEY`` (or ``ANCHOR_SIGNING_KEY_FILE``); a
KMS or HSM signer only needs the same two members. The key never comes from the repo: locally
it is generated once under var/keys/, tests make one per run, and production refuses to start
without it.

This key is not the report-signing key (provenance/signing.py): that one vouches for
documents and is trusted for years; this one pays gas, holds funds and is rotated with the
contract's ``transfer_ownership``.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress

from provenance.signing import SigningError, account_from_key


class TransactionSigner(Protocol):
    @property
    def address(self) -> ChecksumAddress: ...

    def sign_transaction(self, transaction: dict[str, Any]) -> bytes: ...


class LocalKeySigner:
    def __init__(self, account: LocalAccount) -> None:
        self._account = account

    def __repr__(self) -> str:  # never the key
        return f"LocalKeySigner({self.address})"

    @property
    def address(self) -> ChecksumAddress:
        return self._account.address

    def sign_transaction(self, transaction: dict[str, Any]) -> bytes:
        return bytes(self._account.sign_transaction(transaction).raw_transaction)


def local_signer_from_key(private_key_hex: str) -> LocalKeySigner:
    try:
        return LocalKeySigner(account_from_key(private_key_hex))
    except SigningError as error:
        raise ImproperlyConfigured(f"ANCHOR_SIGNING_KEY is unusable: {error}") from error


def anchor_signer_get() -> TransactionSigner:
    key = settings.ANCHOR_SIGNING_KEY
    if not key:
        raise ImproperlyConfigured(
            "ANCHOR_SIGNING_KEY is not set: reports cannot be anchored. Set it (or "
            "ANCHOR_SIGNING_KEY_FILE) to the private key of the contract's owner."
        )
    return _cached(key)


@functools.lru_cache(maxsize=4)
def _cached(key: str) -> LocalKeySigner:
    return local_signer_from_key(key)
