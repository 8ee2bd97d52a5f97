"""Canonical JSON: the bytes every signature and anchor is computed over."""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal
from typing import Any

import pytest

from provenance.canonical import CanonicalError, canonical_json, document_sha256


def test_it_sorts_keys_by_utf16_code_units_as_rfc8785_does() -> None:
    # RFC 8785 section 3.2.3: the emoji (surrogates D83D DE00) sorts before U+FB33 in
    # UTF-16, although its code point (U+1F600) is larger.
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }

    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    ).encode()
    assert canonical_json(document) == expected
    # The code-point order Python's sorted() gives would put the emoji last.
    assert sorted(document)[-1] == "\U0001f600"


def test_it_escapes_strings_as_rfc8785_does() -> None:
    # The string and literal parts of RFC 8785 section 3.2.2's example.
    document = {
        "literals": [None, True, False],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
    }

    assert (
        canonical_json(document)
        == (
            '{"literals":[null,true,false],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )


def test_it_sorts_nested_objects_and_keeps_array_order() -> None:
    document = {"b": [{"z": 1, "a": 2}, ("y", "x")], "a": {"d": {}, "c": []}}

    assert canonical_json(document) == b'{"a":{"c":[],"d":{}},"b":[{"a":2,"z":1},["y","x"]]}'


def test_it_writes_no_whitespace_between_tokens() -> None:
    text = canonical_json({"a": [1, 2, {"b": None}], "c": "d e"})

    assert text == b'{"a":[1,2,{"b":null}],"c":"d e"}'


def test_it_keeps_chinese_text_as_utf8_not_escapes() -> None:
    text = canonical_json({"verdict": "真品", "note": "缝线均匀"})

    assert text == '{"note":"缝线均匀","verdict":"真品"}'.encode()
    assert b"\\u" not in text


def test_it_hashes_a_known_document_stably() -> None:
    document = {"verdict": "真品", "type": "report", "scores": {"stitch_pitch": "0.734"}, "id": 42}
    expected_bytes = (
        b'{"id":42,"scores":{"stitch_pitch":"0.734"},"type":"report",'
        b'"verdict":"\xe7\x9c\x9f\xe5\x93\x81"}'
    )

    assert canonical_json(document) == expected_bytes
    assert document_sha256(document) == hashlib.sha256(expected_bytes).hexdigest()
    # Pinned with `sha256sum` outside Python, so a change of serialisation cannot go unseen.
    assert document_sha256(document) == (
        "09d5d3a7a4f35efaf02e0d10bfee514d21eee47a3fa4230627a7b55dfd3a2c07"
    )


def test_it_accepts_integers_up_to_the_safe_limit() -> None:
    assert canonical_json({"n": [2**53 - 1, -(2**53 - 1), 0]}) == (
        b'{"n":[9007199254740991,-9007199254740991,0]}'
    )


@pytest.mark.parametrize("number", [0.734, 1.0, math.nan, math.inf, Decimal("0.734")])
def test_it_rejects_fractional_numbers_telling_to_pass_strings(number: Any) -> None:
    with pytest.raises(CanonicalError, match="Pass decimals as strings") as caught:
        canonical_json({"scores": {"stitch_pitch": number}})

    assert "$.scores.stitch_pitch" in str(caught.value)


@pytest.mark.parametrize("number", [2**53, -(2**53), 10**30])
def test_it_rejects_integers_beyond_the_safe_range(number: int) -> None:
    with pytest.raises(CanonicalError, match=r"outside ±\(2\*\*53 - 1\)"):
        canonical_json({"n": number})


def test_it_rejects_keys_that_are_not_strings() -> None:
    with pytest.raises(CanonicalError, match="must be strings"):
        canonical_json({"scores": {1: "0.5"}})


@pytest.mark.parametrize("value", [b"bytes", {"a", "b"}, object()])
def test_it_rejects_other_types(value: Any) -> None:
    with pytest.raises(CanonicalError, match="cannot go in a canonical document"):
        canonical_json({"value": value})


def test_it_rejects_a_lone_surrogate() -> None:
    with pytest.raises(CanonicalError, match="surrogate"):
        canonical_json({"text": "\ud800"})


def test_it_rejects_a_top_level_that_is_not_an_object() -> None:
    with pytest.raises(CanonicalError, match="JSON object"):
        canonical_json(["not", "an", "object"])  # type: ignore[arg-type]


def test_canonical_error_is_a_value_error() -> None:
    assert issubclass(CanonicalError, ValueError)
