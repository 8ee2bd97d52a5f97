"""How a signed report is shown: the public page, the PDF and the QR code, all from its document.

Everything a reader sees comes from ``Report.document`` (the signed canonical document), so the
page, the PDF and a downloaded copy can never disagree. Labels are translated into the active
language; the expert's free-text reasons are shown as written.

Apps above appraisals add their own parts to the page without appraisals knowing them: each
registers a renderer from its ``AppConfig.ready`` (``report_banner_register``,
``report_note_register``, ``report_holder_section_register``), as appraisals registers its
presenter with provenance. Disputes say that one is open, show their outcomes and the holder's
way to dispute; passports link the passport.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from typing import Any, Protocol

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from PIL import Image

from appraisals.models import (
    ConditionGrade,
    Feature,
    FindingResult,
    Report,
    Review,
    SubmissionPhoto,
    Verdict,
    serial_mask,
)
from appraisals.radar import RadarSeries, radar_svg
from appraisals.selectors.custody import submission_held_by
from appraisals.selectors.reports import report_proof_fields, report_provenance_document
from members.models import User
from membership.models import Plan
from provenance.selectors import document_status

# How an expert's finding reads on the radar: consistent is the outer ring.
FINDING_SCORE = {
    FindingResult.CONSISTENT: 1.0,
    FindingResult.CANNOT_TELL: 0.5,
    FindingResult.INCONSISTENT: 0.0,
}
# Photos embedded in the PDF are shrunk to this long side: sharp in print, small in size.
PDF_PHOTO_SIDE = 900
# The slot a report opens on when its case has one (every category's first slot today).
COVER_SLOT = "front"


class NoteRenderer(Protocol):
    """Public lines under a report's verdict, on its page and (``for_pdf``) in its PDF."""

    def __call__(self, report: Report, *, for_pdf: bool) -> str: ...


class HolderRenderer(Protocol):
    """What the signed-in ``user`` may do with the report, on its page and the case page."""

    def __call__(self, report: Report, *, user: User) -> str: ...


# Each renderer returns HTML (``render_to_string``), or "" when it has nothing to say.
_banners: list[NoteRenderer] = []
_notes: list[NoteRenderer] = []
_holder_sections: list[HolderRenderer] = []


def report_note_register(render: NoteRenderer) -> None:
    """Add public lines under every report's verdict. Called from the owning app's ``ready()``;
    notes show in the order they were registered (INSTALLED_APPS)."""
    if render not in _notes:
        _notes.append(render)


def report_banner_register(render: NoteRenderer) -> None:
    """Add a public banner at the top of every report (what a reader must see before trusting
    it, like an open dispute), on its page and in its PDF. Called like ``report_note_register``."""
    if render not in _banners:
        _banners.append(render)


def report_holder_section_register(render: HolderRenderer) -> None:
    """Add what a signed-in reader may do with a report. Called from the owning app's
    ``ready()``, like ``report_note_register``."""
    if render not in _holder_sections:
        _holder_sections.append(render)


def report_public_url(report: Report) -> str:
    path = reverse("public:report", args=[report.public_token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def qr_svg(url: str, *, scale: int = 4) -> str:
    """A QR code of ``url``, as inline SVG (reports and passports)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return buffer.getvalue().decode()


def report_qr_svg(report: Report) -> str:
    """A QR code of the public page's URL, as inline SVG."""
    return qr_svg(report_public_url(report))


def _choice_label(choices: type, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def report_radar(document: dict[str, Any]) -> str:
    """The radar chart of the experts' findings, with the AI's per-feature view as an aid."""
    findings = {f["feature"]: f["result"] for f in document.get("findings", [])}
    ai = (document.get("ai") or {}).get("feature_probability_counterfeit", {})
    labels = [str(feature.label) for feature in Feature]
    expert = [
        FINDING_SCORE.get(FindingResult(findings[f.value])) if f.value in findings else None
        for f in Feature
    ]
    ai_values = [1.0 - float(ai[f.value]) if f.value in ai else None for f in Feature]
    series = [RadarSeries(name=_("Experts"), values=expert, css_class="experts")]
    if any(v is not None for v in ai_values):
        series.append(RadarSeries(name=_("AI (an aid)"), values=ai_values, css_class="ai"))
    return radar_svg(
        labels=labels,
        series=series,
        title=_("Feature scores: outer ring = consistent with authentic"),
    )


def _photo_data_uri(photo: SubmissionPhoto) -> str:
    with photo.image.open("rb") as handle, Image.open(handle) as original:
        image = original.convert("RGB")
        image.thumbnail((PDF_PHOTO_SIDE, PDF_PHOTO_SIDE))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def report_cover_photo(
    report: Report, photos: Iterable[SubmissionPhoto] | None = None
) -> SubmissionPhoto | None:
    """The photo a report opens on: the first accepted photo its signed document lists, the
    front one where there is one. The document's list is what the report discloses (the page
    serves no other photo: ``report_photo_get``), so nothing left out of it shows here.
    ``photos``: the case's photos with their slots, when the caller has them already."""
    if photos is None:
        photos = report.submission.photos.select_related("slot")
    accepted = {photo.sha256: photo for photo in photos if photo.quality_ok}
    listed = [
        accepted[ref["sha256"]]
        for ref in report.document.get("photos") or []
        if isinstance(ref, dict) and ref.get("sha256") in accepted
    ]
    fronts = [photo for photo in listed if photo.slot.code == COVER_SLOT]
    chosen = fronts or listed
    return chosen[0] if chosen else None


def report_edition(report: Report) -> str:
    """The report's layout: "exclusive" (the certificate edition of the annual pass and
    Diamond, ``Plan.report_template``) when the case was submitted under such a plan, while its
    submitter still holds the report, else "standard". Once the report has passed on with the
    item, the edition would tell its new readers what plan the previous owner paid for.
    Presentation only: the signed document is the same whatever the edition."""
    submission = report.submission
    code = submission.member_plan
    if not code or not submission_held_by(submission, submission.owner):
        return Plan.Template.STANDARD
    template = Plan.objects.filter(code=code).values_list("report_template", flat=True).first()
    return template or Plan.Template.STANDARD


def report_context(report: Report, *, for_pdf: bool = False) -> dict[str, Any]:
    """What the report templates need, in the active language."""
    document = report.document
    photos_by_sha = {
        p.sha256: p
        for p in report.submission.photos.select_related("slot").order_by("slot__position")
    }

    def photo_src(ref: dict[str, str] | None) -> str:
        if not ref:
            return ""
        photo = photos_by_sha.get(ref["sha256"])
        if photo is None:
            return ""
        if for_pdf:
            return _photo_data_uri(photo)
        return reverse("public:report-photo", args=[report.public_token, ref["sha256"][:16]])

    findings = [
        {
            **finding,
            "feature_label": _choice_label(Feature, finding["feature"]),
            "result_label": _choice_label(FindingResult, finding["result"]),
            "photo_src": photo_src(finding.get("photo")),
            "region_pct": {k: float(v) * 100 for k, v in (finding.get("region") or {}).items()},
            "guide_url": reverse("public:guide-feature", args=[finding["feature"]]),
        }
        for finding in document.get("findings", [])
    ]
    superseded_by = Report.objects.filter(supersedes=report).first()
    cover = report_cover_photo(report, photos_by_sha.values())
    anchored = report_provenance_document(report)
    stage_labels = dict(Review.Stage.choices)
    return {
        "report": report,
        "doc": document,
        # A version issued before serials became private holds the serial: shown masked too.
        "serial_hint": (document.get("item") or {}).get("serial_hint")
        or serial_mask((document.get("item") or {}).get("serial") or ""),
        "verdict_label": _choice_label(Verdict, document["verdict"]["result"]),
        "condition_label": _choice_label(ConditionGrade, document["condition"]["grade"]),
        "findings": findings,
        "radar_svg": report_radar(document),
        "qr_svg": report_qr_svg(report),
        "public_url": report_public_url(report),
        "issued_at": parse_datetime(document["issued_at"]),
        "cover_photo_src": photo_src({"sha256": cover.sha256}) if cover else "",
        "cover_photo_label": cover.slot.local_name if cover else "",
        "reviewers": [
            {**r, "role_label": stage_labels.get(r["role"], r["role"])}
            for r in document.get("reviewers", [])
        ],
        # The submitter's name, if they chose to show it, while the report is still theirs:
        # once it has passed on with the item, naming them as its owner would be untrue.
        "owner_name": report.submission.owner.full_name
        if report.submission.show_owner_name
        and submission_held_by(report.submission, report.submission.owner)
        else "",
        "superseded_by": superseded_by,
        "provenance": document_status(anchored) if anchored else None,
        # Public: what the apps above say of the report (its resolved disputes, its passport).
        "banners": [html for render in _banners if (html := render(report, for_pdf=for_pdf))],
        "notes": [html for render in _notes if (html := render(report, for_pdf=for_pdf))],
        "for_pdf": for_pdf,
        "edition": report_edition(report),
        "language": translation.get_language(),
    }


def report_holder_context(report: Report | None, user: Any) -> dict[str, Any]:
    """What the signed-in reader may do with the report (the case page and the report page):
    as its holder, share a partial proof; and what the apps above offer them (dispute it, or
    follow the dispute they opened)."""
    if report is None or not getattr(user, "is_authenticated", False):
        return {}
    is_holder = submission_held_by(report.submission, user)
    return {
        "is_holder": is_holder,
        "holder_sections": [
            html for render in _holder_sections if (html := render(report, user=user))
        ],
        "proof_fields": report_proof_fields(report) if is_holder else [],
    }


def report_pdf(report: Report) -> bytes:
    """The report as a PDF, rendered by WeasyPrint from the page's own template."""
    from weasyprint import HTML

    html = render_to_string("appraisals/report_pdf.html", report_context(report, for_pdf=True))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
