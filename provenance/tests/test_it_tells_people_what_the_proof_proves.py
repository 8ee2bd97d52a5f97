"""The verification page for people: the outcome in plain words, in English and Chinese, and
what the document is about (item, signed verdict, date, issuer, photos) from its public
disclosure only, through the presenter its issuing app registered; the checks folded beneath.

A made-up document type stands in for a domain app's (provenance knows none); the report's own
presenter is tested in appraisals/tests/test_it_tells_people_what_a_report_proof_proves.py.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

import pytest
from django.test import Client

from provenance import presenters
from provenance.canonical import utc_parse
from provenance.documents import document_register, document_revoke
from provenance.models import Document
from provenance.presenters import Fact, Photo, Summary
from provenance.selectors import issuer_metadata
from provenance.tests.conftest import Ganache, settle

pytestmark = pytest.mark.django_db

TYPE = "test.watch-check"
SERIAL = "SECRET-SERIAL-991"
DIAL = hashlib.sha256(b"dial").hexdigest()
CASEBACK = hashlib.sha256(b"caseback").hexdigest()
# A photo of the same case the document never names: no page may show it.
UNNAMED = hashlib.sha256(b"the owner's kitchen").hexdigest()


def body(doc_id: str = "w-1") -> dict[str, Any]:
    return {
        "type": TYPE,
        "id": doc_id,
        "issued_at": "2026-03-01T10:00:00Z",
        "item": {"brand": "Omega", "model": "Speedmaster", "serial": SERIAL},
        "verdict": "authentic",
        "photos": [{"slot": "dial", "sha256": DIAL}, {"slot": "caseback", "sha256": CASEBACK}],
    }


def watch_summary(document: Mapping[str, Any]) -> Summary:
    item = document.get("item", {})
    return Summary(
        kind="Watch check",
        title=" ".join(str(part) for part in (item.get("brand"), item.get("model")) if part),
        # Shown only if disclosed: the presenter never sees a private field to leak.
        facts=tuple(Fact(key, str(value)) for key, value in sorted(item.items())),
        verdict={"authentic": "Genuine watch"}.get(document.get("verdict", ""), ""),
        verdict_code=document.get("verdict", ""),
        signed_at=utc_parse(document["issued_at"]),
        photos=tuple(
            Photo(sha256=ref["sha256"], label=ref["slot"].title())
            for ref in document.get("photos", [])
        )
        # A careless presenter: the engine must drop what the document does not disclose.
        + (Photo(sha256=UNNAMED, label="Kitchen"),),
    )


def watch_photo(doc_id: str, sha256: str) -> IO[bytes]:
    # Holds every photo, the undisclosed one too: refusing it is the engine's job.
    return io.BytesIO(b"JPEG of " + sha256.encode())


@pytest.fixture(autouse=True)
def watch_presenter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(presenters, "_presenters", dict(presenters._presenters))
    presenters.presenter_register(TYPE, summary=watch_summary, photo=watch_photo)
    yield


def register(doc_id: str = "w-1", private: list[str] | None = None) -> Document:
    return document_register(body=body(doc_id), private=private or ["item.serial"])


def page_of(document: Document, language: str = "en") -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/verify/{document.uid}/")
    assert response.status_code == 200
    return response.content.decode()


def thumbnails(page: str) -> list[str]:
    return re.findall(r'<img src="(/verify/[^"]+/photo/[0-9a-f]{64}\.jpg)"', page)


def outcome_box(page: str) -> str:
    return page[page.index('id="outcome"') : page.index('id="what-it-proves"')]


def test_a_valid_proof_says_what_it_proves_in_english_and_chinese(w3: Any) -> None:
    document = register()
    settle(w3)
    key = Document.objects.get(pk=document.pk).signer

    english = page_of(document)
    chinese = page_of(document, "zh-hans")

    box = outcome_box(english)
    assert 'data-outcome="valid"' in box and "Proof valid" in box
    assert "This record was issued by authplatform, has not changed since it was signed" in box
    assert issuer_metadata()["name"] == "authplatform"
    assert "<h1" in english and "Omega Speedmaster</h1>" in english
    assert 'id="signed-verdict" data-verdict-code="authentic">Genuine watch<' in english
    assert '<time id="signed-on" datetime="2026-03-01T10:00:00+00:00">March 1, 2026</time>' in (
        english
    )
    assert "<strong>authplatform</strong>" in english and key in english
    assert "(one of the keys authplatform publishes)" in english
    assert thumbnails(english) == [
        f"/verify/{document.uid}/photo/{DIAL}.jpg",
        f"/verify/{document.uid}/photo/{CASEBACK}.jpg",
    ]
    assert 'alt="Photo: Dial"' in english and 'alt="Photo: Caseback"' in english
    assert UNNAMED not in english and SERIAL not in english
    # The checks, hashes and commands are folded beneath, closed.
    details = english[english.index('<details class="verify-details" id="proof-details">') :]
    for marker in ('id="anchor-summary"', 'id="browser-check"', 'id="server-outcome"',
                   "data-steps", "python -m provenance.verify", "node verifiers/js/verify.mjs",
                   'href="/verify/bundle-spec.md"', document.root):  # fmt: skip
        assert marker in details, marker
    above = english[: english.index("<details")]
    assert 'id="browser-check"' not in above and document.root not in above
    assert "<details open" not in english
    # No inline style: the page lives under the site's CSP with its stylesheet alone.
    assert "style=" not in english and "<style" not in english

    assert '<html lang="zh-hans">' in chinese
    box = outcome_box(chinese)
    assert "证明有效" in box and "此记录由 authplatform 签发" in box
    assert "这份证明说明了什么" in chinese and "签署日期" in chinese and "签发方" in chinese
    assert "（authplatform 公布的密钥之一）" in chinese
    assert "2026年3月1日" in chinese
    assert 'alt="照片：Dial"' in chinese
    assert "核验方式" in chinese  # the folded part's title
    assert "Proof valid" not in chinese and "What this proves" not in chinese
    assert SERIAL not in chinese


def test_a_pending_proof_says_it_is_signed_but_not_on_chain_yet() -> None:
    document = register()

    for language, words in (
        ("en", ["Signed, not yet on the blockchain", "Expected by"]),
        ("zh-hans", ["已签名，尚未上链", "预计于"]),
    ):
        box = outcome_box(page_of(document, language))
        assert 'data-outcome="pending"' in box
        for word in words:
            assert word in box, (language, word)
    assert len(thumbnails(page_of(document))) == 2


def test_a_revoked_proof_still_shows_what_it_was_marked_revoked_with_its_successor(
    w3: Any,
) -> None:
    old = register("w-1")
    new = register("w-2")
    document_revoke(document=old, reason="The model was misread.", superseded_by="w-2")
    settle(w3)

    english = page_of(old)
    chinese = page_of(old, "zh-hans")

    box = outcome_box(english)
    assert 'data-outcome="revoked"' in box and "Revoked" in box
    assert "authplatform has withdrawn this record. It is shown below as it was" in box
    assert "Withdrawn on" in box and "Reason given: “The model was misread.”" in box
    assert f'href="/verify/{new.uid}/"' in box and 'id="successor"' in box
    assert "What it said before it was withdrawn" in english
    assert '<span class="verify-stamp">Revoked</span>' in english
    assert "Omega Speedmaster</h1>" in english and len(thumbnails(english)) == 2
    assert "已撤回" in outcome_box(chinese) and "撤回前的内容" in chinese
    assert "验证取代它的版本" in chinese


def test_a_chain_that_does_not_answer_is_not_checked_not_invalid(w3: Any, ganache: Ganache) -> None:
    document = register()
    settle(w3)
    ganache.stop()

    english, chinese = page_of(document), page_of(document, "zh-hans")

    assert "Not checked" in outcome_box(english)
    assert "the public blockchain did not answer our server" in outcome_box(english)
    assert "未能核验" in outcome_box(chinese)


def test_a_private_field_is_never_shown_nor_its_photos(client: Client) -> None:
    document = register(private=["item.serial", "item.model", "photos"])

    page = page_of(document)

    assert "Omega</h1>" in page  # the presenter saw no model: none was disclosed
    assert "Speedmaster" not in page and SERIAL not in page
    assert thumbnails(page) == [] and 'id="disclosed-photos"' not in page
    for sha in (DIAL, CASEBACK, UNNAMED):
        assert client.get(f"/verify/{document.uid}/photo/{sha}.jpg").status_code == 404


def test_the_photo_route_serves_only_a_photo_the_public_proof_discloses(client: Client) -> None:
    document = register()

    shown = client.get(f"/verify/{document.uid}/photo/{DIAL}.jpg")

    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == b"JPEG of " + DIAL.encode()
    # The presenter named it and the issuer holds it, but the document does not disclose it.
    assert client.get(f"/verify/{document.uid}/photo/{UNNAMED}.jpg").status_code == 404
    assert client.get(f"/verify/{document.uid}/photo/{DIAL[:16]}.jpg").status_code == 404
    assert client.get(f"/verify/{document.uid}/photo/{DIAL.upper()}.jpg").status_code == 404


def test_a_type_nobody_presents_gets_its_disclosed_fields_and_no_photos(client: Client) -> None:
    document = document_register(
        body={**body(), "type": "test.unknown", "note": "kept as signed"},
        private=["item.serial"],
    )

    page = page_of(document)

    assert "Document of type test.unknown" in page and "w-1</h1>" in page
    assert "<dt>item.brand</dt><dd>Omega</dd>" in page
    assert "<dt>note</dt><dd>kept as signed</dd>" in page
    assert SERIAL not in page and "item.serial" not in page
    assert thumbnails(page) == []
    assert client.get(f"/verify/{document.uid}/photo/{DIAL}.jpg").status_code == 404
    chinese = page_of(document, "zh-hans")
    assert "test.unknown 类型的文件" in chinese


def test_the_bundle_spec_is_readable_without_the_repository(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.BASE_DIR = tmp_path
    assert client.get("/verify/bundle-spec.md").status_code == 404

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bundle-spec.md").write_text("# Proof bundle 证明包\n", encoding="utf-8")
    response = client.get("/verify/bundle-spec.md")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "# Proof bundle 证明包\n"
