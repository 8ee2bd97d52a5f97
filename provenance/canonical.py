"""Canonical JSON (RFC 8785, JCS) for the documents the platform signs and anchors.

Two parties hash the same document to the same bytes only if they serialise it the same
way, so everything signed goes through `canonical_json`: keys sorted by UTF-16 code units,
no insignificant whitespace, UTF-8 with non-ASCII characters kept literally, and only the
string escapes JCS prescribes.

We implement the subset of JCS we need and deliberately leave out numbers with a
fraction or an exponent: JCS serialises those the way ECMAScript does, which few languages
reproduce exactly. A score like ``"0.734"`` passed as a string is unambiguous everywhere,
so floats (and Decimals) are rejected and callers pass decimals as strings. Integers are
allowed within the range every JSON implementation represents exactly, ±(2**53 - 1).
"""

from __future__ import annotations

import hashlib
import json
import numbers
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# The largest integer an IEEE 754 double (and so JavaScript) represents exactly.
MAX_SAFE_INTEGER = 2**53 - 1
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_UTC_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


class CanonicalError(ValueError):
    """The document holds something canonical JSON cannot represent unambiguously."""


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Serialise ``document`` as RFC 8785 canonical JSON, encoded as UTF-8."""
    if not isinstance(document, Mapping):
        raise CanonicalError(
            f"A canonical document must be a JSON object, not {type(document).__name__}."
        )
    parts: list[str] = []
    _serialise(document, path="$", parts=parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:
        # Only a lone surrogate gets here; I-JSON (which JCS requires) forbids them.
        raise CanonicalError(
            "The document contains a lone UTF-16 surrogate, which JSON text cannot carry."
        ) from error


def utc_timestamp(moment: datetime) -> str:
    """A moment as our documents and bundles state it: UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def utc_parse(text: Any) -> datetime:
    """The moment a `utc_timestamp` states, exactly ``YYYY-MM-DDTHH:MM:SSZ`` in ASCII digits;
    ValueError for anything else (strptime alone would take ``2026-1-5T9:0:0z``)."""
    if not isinstance(text, str) or not _UTC_TEXT.fullmatch(text):
        raise ValueError(f"{text!r} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)")
    return datetime.strptime(text, UTC_FORMAT).replace(tzinfo=UTC)


def canonical_value(value: Any, *, path: str = "$") -> bytes:
    """Any JSON value (not only an object) as canonical JSON: what a field commitment hashes."""
    parts: list[str] = []
    _serialise(value, path=path, parts=parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalError(
            f"{path} contains a lone UTF-16 surrogate, which JSON text cannot carry."
        ) from error


def document_sha256(document: Mapping[str, Any]) -> str:
    """The lowercase hex SHA-256 of the document's canonical JSON.

    It equals ``sha256sum`` of a file holding exactly `canonical_json(document)`.
    """
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _serialise(value: Any, *, path: str, parts: list[str]) -> None:
    # bool before int: True is an int in Python but a literal in JSON.
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise CanonicalError(
                f"{path}: the integer {value} is outside ±(2**53 - 1), which not every JSON "
                "reader represents exactly; pass it as a string."
            )
        parts.append(str(int(value)))
    elif isinstance(value, Mapping):
        _serialise_object(value, path=path, parts=parts)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _serialise(item, path=f"{path}[{index}]", parts=parts)
        parts.append("]")
    elif isinstance(value, numbers.Number):
        raise CanonicalError(
            f"{path}: {value!r} is a {type(value).__name__}; canonical documents carry no "
            'fractional numbers. Pass decimals as strings (e.g. "0.734").'
        )
    else:
        raise CanonicalError(
            f"{path}: values of type {type(value).__name__} cannot go in a canonical "
            "document (allowed: dict, list, str, int, bool, None)."
        )


def _serialise_object(value: Mapping[Any, Any], *, path: str, parts: list[str]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise CanonicalError(
                f"{path}: the key {key!r} is a {type(key).__name__}; JSON object keys "
                "must be strings."
            )
    # RFC 8785 section 3.2.3: order by UTF-16 code units, not by code points. Big-endian
    # UTF-16 bytes compare exactly as the code units do; surrogatepass lets a lone
    # surrogate reach the clearer error raised when the text is encoded.
    keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
    parts.append("{")
    for index, key in enumerate(keys):
        if index:
            parts.append(",")
        parts.append(_string(key))
        parts.append(":")
        _serialise(value[key], path=f"{path}.{key}", parts=parts)
    parts.append("}")


def _string(text: str) -> str:
    # The json module's escaping with ensure_ascii off is exactly JCS's (ECMAScript's
    # JSON.stringify): \" \\ \b \f \n \r \t, \u00XX in lowercase for other control
    # characters, and every other character literally.
    return json.dumps(text, ensure_ascii=False)
