"""Members in each situation the membership pages show: on Free, holding a pass, holding
Diamond; each with a little history of their own, marked so a test can tell whose is whose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import cast

from django.utils import timezone

from members.models import User
from members.tests.factories import UserFactory
from membership.models import EarnReason, Membership, Plan
from membership.services.credit import credit_signal_record
from membership.services.plans import membership_grant, spend_record
from membership.services.points import points_earn, points_spend
from membership.services.quotas import quota_consume
from membership.tiers import months_add

DAY = timedelta(days=1)


def with_history(member: User, *, mark: str, points: int = 120, spent: int = 20) -> User:
    """Points earned (one lot expiring soon) and spent, one free appraisal used and a credit
    signal, every reference carrying ``mark``."""
    now = timezone.now()
    # Earned 24 months less ten days ago: this lot expires within the "soon" window.
    points_earn(
        member=member,
        points=points,
        reason=EarnReason.APPRAISAL_COMPLETED,
        reference=f"report:{mark}-old",
        earned_at=months_add(now, -24) + 10 * DAY,
    )
    points_earn(
        member=member, points=15, reason=EarnReason.CSAT_ANSWERED, reference=f"csat:{mark}-new"
    )
    points_spend(member=member, points=spent, reference=f"INV-{mark}")
    quota_consume(
        member=member,
        reference=f"submission:{mark}",
        service_tier="standard",
        base_cents=4900,
        standard_cents=4900,
    )
    credit_signal_record(member=member, kind="dispute_rejected", reference=f"dispute:{mark}")
    return member


def pass_holder(email: str = "pass.holder@example.com", *, mark: str = "PASSHOLDER") -> User:
    member = cast(User, UserFactory(email=email))
    membership_grant(
        member=member,
        plan=Plan.objects.get(code="pass-annual"),
        starts_at=timezone.now() - 10 * DAY,
        ends_at=timezone.now() + 355 * DAY,
        source=Membership.Source.PURCHASE,
    )
    return with_history(member, mark=mark)


def diamond_member(email: str = "diamond@example.com", *, mark: str = "DIAMOND") -> User:
    """Diamond earned by spend (€5,200 in the last 12 months)."""
    member = cast(User, UserFactory(email=email))
    spend_record(
        member=member, cents=520_000, reference=f"spend:{mark}", occurred_at=timezone.now() - DAY
    )
    return with_history(member, mark=mark)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Node:
    """An element of a page, enough to read it as a reader would (no HTML library here)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def all(self, tag: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found += ([child] if child.tag == tag else []) + child.all(tag)
        return found

    def by_id(self, element_id: str) -> Node | None:
        if self.attrs.get("id") == element_id:
            return self
        for child in self.children:
            if isinstance(child, Node) and (found := child.by_id(element_id)) is not None:
                return found
        return None

    def hrefs(self) -> set[str]:
        return {a.attrs["href"] for a in self.all("a") if "href" in a.attrs}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def page_tree(html: bytes | str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def part(page: Node, element_id: str) -> Node:
    """The element with ``element_id``; fails the test when the page lacks it."""
    found = page.by_id(element_id)
    assert found is not None, f"no #{element_id} on the page"
    return found
