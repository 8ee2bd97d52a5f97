"""The platform's signature over a document, and the offline check of a signed bundle."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from eth_account import Account
from eth_account.messages import encode_defunct

from provenance.canonical import document_sha256
from provenance.signing import (
    BUNDLE_FORMAT,
    Signer,
    SigningError,
    bundle_build,
    bundle_verify,
    signature_recover,
    signer_from_key,
    signer_get,
    trusted_signers,
)

DOCUMENT: dict[str, Any] = {
    "type": "report",
    "id": 7,
    "verdict": "authentic",
    "scores": {"stitch_pitch": "0.734", "wordmark_spacing": "0.120"},
    "expert": "专家 A",
}


def _fresh_signer() -> Signer:
    return signer_from_key(secrets.token_hex(32))


def test_a_signature_recovers_the_signers_address() -> None:
    signer = _fresh_signer()

    signature = signer.sign_document(DOCUMENT)

    assert signature.startswith("0x") and len(signature) == 2 + 65 * 2
    assert signature_recover(document=DOCUMENT, signature=signature) == signer.address


def test_any_ethereum_library_verifies_it_as_personal_sign_over_the_sha256() -> None:
    # What ethers.js does with verifyMessage(getBytes("0x" + sha256), signature).
    signer = _fresh_signer()
    signature = signer.sign_document(DOCUMENT)

    message = encode_defunct(primitive=bytes.fromhex(document_sha256(DOCUMENT)))
    assert Account.recover_message(message, signature=signature) == signer.address


def test_a_bundle_verifies() -> None:
    signer = _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=signer)

    check = bundle_verify(bundle, trusted=[signer.address])

    assert check.ok, check.problems
    assert check.problems == []
    assert check.sha256 == document_sha256(DOCUMENT) == bundle["sha256"]
    assert check.signer == signer.address
    assert bundle["format"] == BUNDLE_FORMAT
    assert bundle["document"] == DOCUMENT


def test_one_changed_field_fails_as_a_changed_document() -> None:
    signer = _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=signer)
    bundle["document"] = {**DOCUMENT, "verdict": "counterfeit"}

    check = bundle_verify(bundle, trusted=[signer.address])

    assert not check.ok
    assert len(check.problems) == 1
    assert "document was changed after it was signed" in check.problems[0]


def test_a_changed_document_with_its_hash_updated_fails_on_the_signature() -> None:
    signer = _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=signer)
    bundle["document"] = {**DOCUMENT, "verdict": "counterfeit"}
    bundle["sha256"] = document_sha256(bundle["document"])

    check = bundle_verify(bundle, trusted=[signer.address])

    assert not check.ok
    assert any(f"not made by {signer.address}" in problem for problem in check.problems)


def test_a_signature_by_another_key_fails_as_untrusted() -> None:
    platform, stranger = _fresh_signer(), _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=stranger)

    check = bundle_verify(bundle, trusted=[platform.address])

    assert not check.ok
    assert check.problems == [f"The signer {stranger.address} is not one of the trusted signers."]


def test_a_bundle_naming_the_platform_but_signed_by_another_key_fails() -> None:
    platform, stranger = _fresh_signer(), _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=stranger)
    bundle["signer"] = platform.address

    check = bundle_verify(bundle, trusted=[platform.address])

    assert not check.ok
    assert any(f"it was made by {stranger.address}" in problem for problem in check.problems)


def test_a_report_signed_with_a_rotated_key_still_verifies_while_listed(settings: Any) -> None:
    previous, current = _fresh_signer(), _fresh_signer()
    old_bundle = bundle_build(document=DOCUMENT, signer=previous)
    settings.REPORT_SIGNING_KEY = "0x" + secrets.token_hex(32)
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = [previous.address.lower(), current.address]

    trusted = trusted_signers()

    assert trusted[0] == signer_get().address
    assert trusted[1:] == [previous.address, current.address]
    assert bundle_verify(old_bundle, trusted=trusted).ok
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = []
    assert not bundle_verify(old_bundle, trusted=trusted_signers()).ok


def test_trusted_addresses_compare_case_insensitively() -> None:
    signer = _fresh_signer()
    bundle = bundle_build(document=DOCUMENT, signer=signer)

    assert bundle_verify(bundle, trusted=[signer.address.lower()]).ok


def test_the_platform_signer_comes_from_settings_and_is_cached(settings: Any) -> None:
    key = secrets.token_hex(32)
    settings.REPORT_SIGNING_KEY = key + "\n"

    assert signer_get() is signer_get()
    assert signer_get().address == Account.from_key(key).address


def test_a_missing_signing_key_is_a_configuration_error(settings: Any) -> None:
    settings.REPORT_SIGNING_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="REPORT_SIGNING_KEY is not set"):
        signer_get()


def test_a_malformed_configured_key_is_a_configuration_error_without_the_key(
    settings: Any,
) -> None:
    settings.REPORT_SIGNING_KEY = "not-a-key-but-secret"

    with pytest.raises(ImproperlyConfigured) as caught:
        signer_get()

    assert "not-a-key-but-secret" not in str(caught.value)


def test_a_malformed_trusted_signer_setting_is_a_configuration_error(settings: Any) -> None:
    settings.REPORT_SIGNING_TRUSTED_SIGNERS = ["0x1234"]

    with pytest.raises(ImproperlyConfigured, match="not an Ethereum address"):
        trusted_signers()


def test_the_key_is_accepted_with_or_without_0x() -> None:
    key = secrets.token_hex(32)

    assert signer_from_key(key).address == signer_from_key("0x" + key).address


@pytest.mark.parametrize(
    "key",
    ["", "abc", "zz" * 32, "11" * 31, "11" * 33, "00" * 32, "ff" * 32],
)
def test_a_malformed_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(SigningError) as caught:
        signer_from_key(key)

    if key:
        assert key not in str(caught.value)


def test_the_signer_repr_does_not_reveal_the_key() -> None:
    key = secrets.token_hex(32)
    signer = signer_from_key(key)

    assert signer.address in repr(signer)
    for shown in (repr(signer), str(signer)):
        assert key not in shown.lower()
        assert key[:16] not in shown.lower()


@pytest.mark.parametrize("signature", ["", "0x1234", "0x" + "zz" * 65, "0x" + "00" * 65, 42])
def test_a_malformed_signature_raises_a_signing_error(signature: Any) -> None:
    with pytest.raises(SigningError):
        signature_recover(document=DOCUMENT, signature=signature)


def _valid_bundle() -> dict[str, Any]:
    return bundle_build(document=DOCUMENT, signer=_fresh_signer())


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b.pop("document"), "holds no document"),
        (lambda b: b.update(document="a string"), "holds no document"),
        (lambda b: b.update(document={**DOCUMENT, "score": 0.5}), "Pass decimals as strings"),
        (lambda b: b.pop("sha256"), "'sha256' is not 64 lowercase hexadecimal digits"),
        (lambda b: b.update(sha256=12), "'sha256' is not 64 lowercase hexadecimal digits"),
        (lambda b: b.pop("signer"), "'signer' is not an Ethereum address"),
        (lambda b: b.update(signer="0xnope"), "'signer' is not an Ethereum address"),
        (lambda b: b.pop("signature"), "signature is not 65 bytes"),
        (lambda b: b.update(signature="0x" + "00" * 65), "signature is malformed"),
        (lambda b: b.update(format="something/2"), "format is 'something/2'"),
    ],
)
def test_a_malformed_bundle_gives_a_readable_problem(change: Any, problem: str) -> None:
    bundle = _valid_bundle()
    change(bundle)

    check = bundle_verify(bundle, trusted=[str(bundle.get("signer"))])

    assert not check.ok
    assert any(problem in text for text in check.problems), check.problems


@pytest.mark.parametrize("bundle", [None, [], "text", 42])
def test_a_bundle_that_is_no_object_gives_a_readable_problem(bundle: Any) -> None:
    check = bundle_verify(bundle, trusted=[])

    assert not check.ok
    assert check.problems == ["The bundle is not a JSON object."]
