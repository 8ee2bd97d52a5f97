"""The public revocation feed: every revocation notice, as a signed JSON page and as Atom.

A JSON page (`revocation_feed_page`) lists notices oldest first after a cursor and is signed
as a whole with the report-signing key, the way a report is (EIP-191 over the SHA-256 of the
RFC 8785 canonical JSON, `provenance.signing`), so a mirror or a cache can't change it
unnoticed; `revocation_feed_signer` checks one. The Atom feed (`revocation_feed_atom`) is the
newest notices for feed readers. docs/provenance.md, "Revocation feed", is the format.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from provenance.canonical import document_sha256
from provenance.issuer import WELL_KNOWN_PATH
from provenance.selectors import revocation_entries, revocations_after, revocations_latest
from provenance.signing import BUNDLE_ALGORITHM, SigningError, signature_recover, signer_get

FEED_FORMAT = "authplatform.revocation-feed/1"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
ATOM_ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"
# Atom requires a feed's `updated`; an empty feed has never changed.
EPOCH = "1970-01-01T00:00:00Z"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def revocation_feed_page(*, after: Any = None, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """One signed page: up to ``limit`` notices after the cursor ``after`` (a notice's ``id``;
    None from the first), oldest first. ``next`` continues where this page ends, also when it
    is the last for now: the feed only grows. ValueError for an unknown cursor."""
    notices = revocations_after(after=after, limit=limit + 1)
    entries = revocation_entries(notices[:limit])
    cursor = entries[-1]["id"] if entries else after
    path = reverse("provenance:revocations")
    query: dict[str, Any] = {"limit": limit} if limit != PAGE_SIZE else {}
    if cursor is not None:
        query = {"after": str(cursor), **query}
    page = {
        "format": FEED_FORMAT,
        "issuer": {
            "name": settings.ISSUER_NAME,
            "url": settings.SITE_URL,
            "metadata": _absolute(WELL_KNOWN_PATH),
        },
        "order": "oldest first",
        "after": None if after is None else str(after),
        "entries": entries,
        "has_more": len(notices) > limit,
        "next": _absolute(path + ("?" + urlencode(query) if query else "")),
    }
    signer = signer_get()
    return {
        **page,
        "signature": {
            "scheme": BUNDLE_ALGORITHM,
            "signer": signer.address,
            "sha256": document_sha256(page),
            "signature": signer.sign_document(page),
        },
    }


def revocation_feed_signer(page: Mapping[str, Any]) -> str:
    """The address that signed a feed page, after checking the signature covers the page as
    received and is by the signer it names; SigningError otherwise. Hold the address against
    the issuer metadata's ``signing_keys``."""
    signature = page.get("signature")
    if not isinstance(signature, Mapping):
        raise SigningError("The page is not signed.")
    unsigned = {key: value for key, value in page.items() if key != "signature"}
    if signature.get("sha256") != document_sha256(unsigned):
        raise SigningError("The page was changed after it was signed.")
    signer = signature_recover(document=unsigned, signature=signature.get("signature"))
    if str(signature.get("signer", "")).lower() != signer.lower():
        raise SigningError(f"Signed by {signer}, not by {signature.get('signer')}.")
    return signer


def revocation_feed_atom(*, limit: int = ATOM_ENTRIES) -> bytes:
    """The newest revocations as an Atom 1.0 feed (RFC 4287), newest first: each entry links
    the revoked document's verification page and, when there is one, its successor's."""
    entries = revocation_entries(revocations_latest(limit=limit))
    ET.register_namespace("", ATOM)

    def element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> None:
        ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs).text = text

    feed = ET.Element(f"{{{ATOM}}}feed")
    element(feed, "id", _absolute(reverse("provenance:revocations-atom")))
    element(feed, "title", f"{settings.ISSUER_NAME}: revoked documents")
    element(feed, "updated", max((_updated(e) for e in entries), default=EPOCH))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    element(author, "name", settings.ISSUER_NAME)
    element(author, "uri", settings.SITE_URL)
    element(feed, "link", rel="self", href=_absolute(reverse("provenance:revocations-atom")))
    element(
        feed,
        "link",
        rel="alternate",
        type="application/json",
        href=_absolute(reverse("provenance:revocations")),
    )
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        revoked, successor = entry["revoked"], entry["successor"]
        element(item, "id", f"urn:uuid:{entry['id']}")
        element(
            item, "title", f"{revoked['type']} {revoked['id']} revoked ({entry['reason_code']})"
        )
        element(item, "published", entry["revoked_at"])
        element(item, "updated", _updated(entry))
        if revoked["verify_url"]:
            element(item, "link", rel="alternate", href=revoked["verify_url"])
        if successor is not None and successor["verify_url"]:
            element(item, "link", rel="related", title="successor", href=successor["verify_url"])
        element(
            item, "link", rel="via", title="revocation notice", href=entry["notice"]["verify_url"]
        )
        summary = f"Revoked at {entry['revoked_at']} ({entry['reason_code']})"
        if successor is not None:
            summary += f"; superseded by {successor['type']} {successor['id']}"
        anchor = entry["anchor"]
        if anchor is not None:
            summary += (
                f"; marked revoked on chain {anchor['chain_id']} in batch {anchor['seq']}, "
                f"transaction {anchor['tx_hash']}"
            )
        element(item, "summary", summary + ".")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _updated(entry: Mapping[str, Any]) -> str:
    """An entry last changed when its notice was anchored (or registered, until then)."""
    anchor = entry["anchor"]
    return str(anchor["anchored_at"] if anchor and anchor["anchored_at"] else entry["revoked_at"])
