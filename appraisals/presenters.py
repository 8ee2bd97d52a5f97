"""How a signed report reads on its public verification page (provenance.presenters): the item,
the experts' signed verdict, the date and the disclosed photos, from the disclosed fields only.

Registered for the report's document type in ``AppraisalsConfig.ready``. A report's proof may
disclose less than the whole report (the serial never; other fields by the owner's choice), so
every field here may be missing, and the page says only what is there.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _

from appraisals.models import (
    Category,
    ConditionGrade,
    PhotoSlot,
    Report,
    SubmissionPhoto,
    Verdict,
)
from provenance.canonical import utc_parse
from provenance.presenters import Fact, Photo, Summary

SHA256_HEX = frozenset("0123456789abcdef")


def _section(document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = document.get(name)
    return value if isinstance(value, Mapping) else {}


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= SHA256_HEX


def _photos(document: Mapping[str, Any], category_slug: Any) -> tuple[Photo, ...]:
    refs = document.get("photos")
    refs = [r for r in refs if isinstance(r, Mapping)] if isinstance(refs, list) else []
    codes = [str(r.get("slot")) for r in refs]
    names = {
        slot.code: slot.local_name
        for slot in PhotoSlot.objects.filter(category__slug=category_slug, code__in=codes)
    }
    return tuple(
        Photo(sha256=r["sha256"], label=names.get(code) or code.replace("_", " ").capitalize())
        for r, code in zip(refs, codes, strict=True)
        if _is_sha256(r.get("sha256"))
    )


def report_summary(document: Mapping[str, Any]) -> Summary:
    """The report as its proof discloses it (type and id always; the rest if disclosed)."""
    item = _section(document, "item")
    verdict = _section(document, "verdict")
    category = item.get("category")
    category_row = (
        Category.objects.filter(slug=category).first() if isinstance(category, str) else None
    )
    category_name = category_row.local_name if category_row else None
    model = " ".join(str(part) for part in (item.get("model"), item.get("model_reference")) if part)
    facts = [
        Fact(_("Category"), category_name or str(category or "")),
        Fact(_("Brand"), str(item.get("brand") or "")),
        Fact(_("Model"), model),
    ]
    if item.get("serial_hint"):
        facts.append(Fact(_("Serial or date code"), f"{_('ending')} {item['serial_hint']}"))
    grade = _section(document, "condition").get("grade")
    if grade:
        facts.append(Fact(_("Condition"), _label(ConditionGrade, grade)))
    try:
        # Unsaved: only for the printed report ID, which the uid alone determines.
        reference = Report(uid=uuid.UUID(str(document["id"]))).reference
    except ValueError:
        reference = str(document["id"])
    facts.append(Fact(_("Report ID"), reference))
    if isinstance(document.get("version"), int):
        facts.append(Fact(_("Version"), str(document["version"])))
    try:
        signed_at = utc_parse(document.get("issued_at"))
    except ValueError:
        signed_at = None
    brand_and_model = " ".join(str(p) for p in (item.get("brand"), item.get("model")) if p)
    result = verdict.get("result")
    return Summary(
        kind=_("Authentication report"),
        title=brand_and_model or reference,
        facts=tuple(fact for fact in facts if fact.value),
        verdict=_label(Verdict, result) if result else "",
        verdict_code=str(result or ""),
        signed_at=signed_at,
        photos=_photos(document, category),
    )


def report_photo_open(doc_id: str, sha256: str) -> IO[bytes] | None:
    """The photo with this hash from the case of report ``doc_id``, opened; None if gone.

    The caller (provenance.presenters.document_photo_open) has checked that the report's
    public proof discloses the hash."""
    try:
        report_uid = uuid.UUID(doc_id)
    except ValueError:
        return None
    photo = SubmissionPhoto.objects.filter(
        submission__reports__uid=report_uid, sha256=sha256
    ).first()
    return None if photo is None else photo.image.open("rb")
