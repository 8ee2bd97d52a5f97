"""What the API returns, as typed dataclasses (unknown fields are ignored, so a newer server
does not break an older client)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


def _pick(cls: type[T], data: dict[str, Any], **nested: Any) -> T:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in known}
    values.update(nested)
    return cls(**values)


@dataclass(frozen=True)
class Slot:
    code: str
    name: str
    instruction: str
    required: bool
    position: int
    example_image_url: str | None = None


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str
    slots: list[Slot]

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Category:
        return _pick(cls, data, slots=[_pick(Slot, s) for s in data.get("slots", [])])


@dataclass(frozen=True)
class PhotoIssue:
    code: str
    reason: str
    hint: str


@dataclass(frozen=True)
class Photo:
    slot: str
    accepted: bool
    issues: list[PhotoIssue]
    width: int = 0
    height: int = 0
    sha256: str = ""
    uploaded_at: str = ""

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Photo:
        return _pick(cls, data, issues=[_pick(PhotoIssue, i) for i in data.get("issues", [])])


@dataclass(frozen=True)
class ReportSummary:
    id: str
    version: int
    verdict: str
    issued_at: str
    url: str
    public_url: str


@dataclass(frozen=True)
class Submission:
    id: str
    reference: str
    status: str
    category: str
    brand: str
    sandbox: bool
    photos: list[Photo]
    missing_slots: list[str]
    blockers: list[str]
    report: ReportSummary | None
    external_reference: str = ""
    tier: str = "standard"
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Submission:
        report = data.get("report")
        return _pick(
            cls,
            data,
            photos=[Photo.parse(p) for p in data.get("photos", [])],
            report=_pick(ReportSummary, report) if report else None,
            raw=data,
        )


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    status: str
    report: str | None
    verdict: str | None
    sandbox: bool
    anchored: bool
    revoked: bool
    superseded_by: str | None
    anchor: dict[str, Any] | None
    steps: list[Step]
    # valid, pending, revoked, invalid or unchecked ("" from a server that predates it).
    outcome: str = ""
    revocation: dict[str, Any] | None = None

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Verification:
        return _pick(cls, data, steps=[_pick(Step, s) for s in data.get("steps", [])])


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    event_types: list[str]
    secret: str | None = None  # only in the answer to its creation

    @classmethod
    def parse(cls, data: dict[str, Any]) -> WebhookEndpoint:
        return _pick(cls, {**data, "id": str(data["id"])})
