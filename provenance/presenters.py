"""What a document is about, in words a person reads, for its verification page.

Provenance knows no report or passport, so the domain app that issues a document type registers
a presenter for it (``presenter_register``, from its ``AppConfig.ready``); a type without one
gets a generic list of its disclosed fields. A presenter only ever sees the document as its
public proof bundle discloses it, so a page can't show a field its owner kept private, and a
photo is offered only if its SHA-256 is among the disclosed values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from provenance.canonical import canonical_value
from provenance.commitments import IDENTITY_FIELDS, CommitmentError, document_rebuild

# A generic summary lists at most this many fields, each cut to this many characters: enough
# to recognise the document; the full values are in the bundle.
GENERIC_FIELDS_MAX = 20
GENERIC_VALUE_MAX = 200


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Photo:
    """A disclosed photo: its SHA-256 (lowercase hex, as signed) and what it shows."""

    sha256: str
    label: str


@dataclass(frozen=True)
class Summary:
    """What the page says a document is about. ``verdict`` is the decision the document
    itself signs (a report's expert verdict), never a score or an opinion from elsewhere."""

    kind: str
    title: str
    facts: tuple[Fact, ...] = ()
    verdict: str = ""
    verdict_code: str = ""
    signed_at: datetime | None = None
    photos: tuple[Photo, ...] = field(default=())


# Given the disclosed document (type and id always, plus the public fields), its summary.
SummaryFunction = Callable[[Mapping[str, Any]], Summary]
# Given the document's id and a disclosed photo's SHA-256: the image, opened for reading
# (JPEG), or None when the issuer no longer holds it.
PhotoFunction = Callable[[str, str], IO[bytes] | None]


@dataclass(frozen=True)
class _Presenter:
    summary: SummaryFunction
    photo: PhotoFunction | None


_presenters: dict[str, _Presenter] = {}


def presenter_register(
    doc_type: str, *, summary: SummaryFunction, photo: PhotoFunction | None = None
) -> None:
    """Say how documents of ``doc_type`` read, and where their disclosed photos are.

    Called once per type from the issuing app's ``ready()``; registering again replaces it."""
    _presenters[doc_type] = _Presenter(summary=summary, photo=photo)


def disclosed_document(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """The document as ``bundle`` discloses it: the fields it reveals, rebuilt."""
    return document_rebuild({row["key"]: row["value"] for row in bundle["fields"]})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _compact(value: Any) -> str:
    text = value if isinstance(value, str) else canonical_value(value).decode()
    return text if len(text) <= GENERIC_VALUE_MAX else text[: GENERIC_VALUE_MAX - 1] + "…"


def generic_summary(document: Mapping[str, Any]) -> Summary:
    """A document of a type nobody registered: its type and id, and its disclosed fields."""
    facts = []
    for name, value in document.items():
        if name in IDENTITY_FIELDS:
            continue
        members = value.items() if isinstance(value, Mapping) else [(None, value)]
        for member, inner in members:
            label = name if member is None else f"{name}.{member}"
            facts.append(Fact(label=label, value=_compact(inner)))
    return Summary(
        kind=_("Document of type %(type)s") % {"type": document["type"]},
        title=str(document["id"]),
        facts=tuple(facts[:GENERIC_FIELDS_MAX]),
    )


def document_summary(bundle: Mapping[str, Any]) -> Summary:
    """What the document that ``bundle`` proves is about, from what the bundle discloses.

    A presenter that can't read an odd or older document falls back to the generic summary:
    the proof page must still answer. Photos whose hash the bundle does not disclose are
    dropped, whatever the presenter said."""
    try:
        document = disclosed_document(bundle)
    except (CommitmentError, KeyError, TypeError):
        # An unreadable bundle fails its checks; the page says so, and shows nothing of it.
        return Summary(kind=_("Document"), title=str((bundle.get("document") or {}).get("id")))
    presenter = _presenters.get(document["type"])
    if presenter is None:
        return generic_summary(document)
    try:
        summary = presenter.summary(document)
    except (KeyError, TypeError, ValueError, AttributeError):
        return generic_summary(document)
    disclosed = set(_strings(document))
    return replace(summary, photos=tuple(p for p in summary.photos if p.sha256 in disclosed))


def document_photo_open(bundle: Mapping[str, Any], sha256: str) -> IO[bytes] | None:
    """The photo ``sha256`` of the document that ``bundle`` proves, if its summary shows it
    (so its hash is disclosed) and its issuer still holds it; else None."""
    summary = document_summary(bundle)
    if sha256 not in {photo.sha256 for photo in summary.photos}:
        return None
    identity = bundle["document"]
    presenter = _presenters.get(identity["type"])
    if presenter is None or presenter.photo is None:
        return None
    return presenter.photo(str(identity["id"]), sha256)
