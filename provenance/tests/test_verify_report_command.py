"""`manage.py verify_report`: a stranger's offline check of a downloaded report."""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from provenance.signing import bundle_build, signer_from_key, signer_get

DOCUMENT: dict[str, Any] = {"type": "report", "id": 31, "verdict": "authentic", "note": "真品"}


def _write(path: Path, bundle: Any) -> Path:
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return path


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_report", *args, stdout=out)
    return out.getvalue()


def test_it_accepts_a_report_signed_by_the_platform(tmp_path: Path) -> None:
    bundle = bundle_build(document=DOCUMENT, signer=signer_get())
    path = _write(tmp_path / "report.json", bundle)

    output = _verify(str(path))

    assert "Document: report 31" in output
    assert bundle["sha256"] in output
    assert signer_get().address in output
    assert "OK" in output


def test_it_fails_with_exit_1_on_a_tampered_report(tmp_path: Path) -> None:
    bundle = bundle_build(document=DOCUMENT, signer=signer_get())
    bundle["document"] = {**DOCUMENT, "verdict": "counterfeit"}
    path = _write(tmp_path / "report.json", bundle)
    out = io.StringIO()

    with pytest.raises(SystemExit) as caught:
        call_command("verify_report", str(path), stdout=out)

    assert caught.value.code == 1
    assert "FAILED" in out.getvalue()
    assert "document was changed after it was signed" in out.getvalue()


def test_it_fails_a_report_by_a_signer_other_than_the_one_given(tmp_path: Path) -> None:
    bundle = bundle_build(document=DOCUMENT, signer=signer_get())
    path = _write(tmp_path / "report.json", bundle)
    expected = signer_from_key(secrets.token_hex(32)).address
    out = io.StringIO()

    with pytest.raises(SystemExit) as caught:
        call_command("verify_report", str(path), "--signer", expected, stdout=out)

    assert caught.value.code == 1
    assert "not one of the trusted signers" in out.getvalue()


def test_it_accepts_any_of_several_given_signers(tmp_path: Path) -> None:
    other = signer_from_key(secrets.token_hex(32))
    path = _write(tmp_path / "report.json", bundle_build(document=DOCUMENT, signer=other))

    output = _verify(str(path), "--signer", signer_get().address, "--signer", other.address)

    assert "OK" in output


def test_it_fails_a_report_by_an_unknown_key_against_the_settings(tmp_path: Path) -> None:
    stranger = signer_from_key(secrets.token_hex(32))
    path = _write(tmp_path / "report.json", bundle_build(document=DOCUMENT, signer=stranger))

    with pytest.raises(SystemExit) as caught:
        _verify(str(path))

    assert caught.value.code == 1


def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _verify(str(tmp_path / "nowhere.json"))


def test_a_file_that_is_not_json_is_a_command_error(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("this is not json", encoding="utf-8")

    with pytest.raises(CommandError, match="not valid JSON"):
        _verify(str(path))


def test_a_file_that_is_not_utf8_is_a_command_error(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(b'{"a": "\xff"}')

    with pytest.raises(CommandError, match="Cannot read"):
        _verify(str(path))


def test_a_bundle_with_a_duplicated_key_is_a_command_error(tmp_path: Path) -> None:
    bundle = bundle_build(document=DOCUMENT, signer=signer_get())
    text = json.dumps(bundle).replace(
        '"verdict": "authentic"', '"verdict": "authentic", "verdict": "counterfeit"'
    )
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match="appears twice"):
        _verify(str(path))


def test_a_malformed_signer_option_is_a_command_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "report.json", bundle_build(document=DOCUMENT, signer=signer_get()))

    with pytest.raises(CommandError, match="not an Ethereum address"):
        _verify(str(path), "--signer", "0x1234")


def test_it_needs_the_signer_option_when_no_key_is_configured(
    tmp_path: Path, settings: Any
) -> None:
    path = _write(tmp_path / "report.json", bundle_build(document=DOCUMENT, signer=signer_get()))
    settings.REPORT_SIGNING_KEY = ""

    with pytest.raises(CommandError, match="--signer"):
        _verify(str(path))
