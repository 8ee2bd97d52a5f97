"""/membership/points/: the member's points history, newest first and paged, each entry with
its kind, reason, points, the balance after it and a lot's expiry; the points expiring soon;
and that points are never cash nor transferable. Only the member's own; sign-in required."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import User
from membership.models import EarnReason
from membership.services.points import points_earn, points_restore, points_spend
from membership.tests.member_pages import (
    Node,
    diamond_member,
    page_tree,
    part,
    pass_holder,
    with_history,
)
from membership.views.pages import POINTS_PER_PAGE

pytestmark = pytest.mark.django_db

URL = "/membership/points/"
QUERIES = 12


def _page(client: Client, member: User, query: str = "", **headers: Any) -> Node:
    client.force_login(member)
    response = client.get(URL + query, **headers)
    assert response.status_code == 200
    return page_tree(response.content)


def _history(page: Node) -> list[list[str]]:
    rows = part(page, "points-history").all("tbody")[0].all("tr")
    return [[cell.text for cell in row.all("td")] for row in rows]


def test_it_asks_a_visitor_to_sign_in(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


def test_a_member_sees_each_entry_newest_first_with_the_balance_after_it(
    client: Client, buyer: User
) -> None:
    with_history(buyer, mark="OWN")
    points_restore(member=buyer, reference="INV-OWN")

    page = _page(client, buyer)

    history = _history(page)
    assert [row[1] for row in history] == ["Restored", "Spent", "Earned", "Earned"]
    assert [row[3] for row in history] == ["+20", "-20", "+15", "+120"]
    assert [row[4] for row in history] == ["135", "115", "135", "120"]
    assert history[0][2] == "Given back from INV-OWN"
    assert history[1][2] == "Discount on INV-OWN"
    assert [row[2] for row in history[2:]] == [
        "Answered satisfaction question",
        "Completed appraisal",
    ]
    # Earned lots show when they expire; spends and restores have no expiry of their own.
    assert history[0][5] == history[1][5] == "—"
    assert history[2][5] != "—" and history[3][5] != "—"
    assert part(page, "points-balance").text == "135"
    # The older lot expires within days, with all of its 120 again after the restore.
    expiring = part(page, "points-expiring").all("tbody")[0].all("tr")
    assert [[c.text for c in row.all("td")][0] for row in expiring] == ["120"]
    rules = part(page, "points-rules").text
    assert "never cash" in rules and "can't be transferred" in rules


def test_an_expired_lot_shows_as_expired_and_nothing_expires_soon(
    client: Client, buyer: User
) -> None:
    from membership.services.points import points_expire_due

    points_earn(
        member=buyer,
        points=30,
        reason=EarnReason.CONTRIBUTION_ACCEPTED,
        reference="contribution:1",
        earned_at=timezone.now() - timedelta(days=800),
    )
    points_expire_due()

    page = _page(client, buyer)

    history = _history(page)
    assert [row[1] for row in history] == ["Expired", "Earned"]
    assert [row[4] for row in history] == ["0", "30"]
    assert part(page, "points-balance").text == "0"
    assert page.by_id("points-expiring") is None
    assert page.by_id("points-expiring-none") is not None


def test_the_history_is_paged_and_a_bad_page_number_shows_a_page(
    client: Client, buyer: User
) -> None:
    for n in range(POINTS_PER_PAGE + 3):
        points_earn(member=buyer, points=n + 1, reason=EarnReason.CSAT_ANSWERED,
                    reference=f"csat:{n}")  # fmt: skip

    first = _history(_page(client, buyer))
    second = _history(_page(client, buyer, "?page=2"))

    assert len(first) == POINTS_PER_PAGE and len(second) == 3
    assert first[0][3] == f"+{POINTS_PER_PAGE + 3}"  # the newest first
    assert [row[3] for row in second] == ["+3", "+2", "+1"]
    assert [row[4] for row in second] == ["6", "3", "1"]
    for bad in ("?page=abc", "?page=999", "?page=-1", "?page=%00"):
        assert _history(_page(client, buyer, bad))


def test_a_member_never_sees_another_members_points(client: Client, buyer: User) -> None:
    diamond_member(email="other@example.com", mark="OTHERMEMBER")
    pass_holder(email="third@example.com", mark="THIRDMEMBER")
    points_earn(member=buyer, points=7, reason=EarnReason.CSAT_ANSWERED, reference="csat:mine")
    points_spend(member=buyer, points=2, reference="INV-MINE")

    page = _page(client, buyer)

    assert [row[3] for row in _history(page)] == ["-2", "+7"]
    assert part(page, "points-balance").text == "5"
    assert "OTHERMEMBER" not in page.text and "THIRDMEMBER" not in page.text


def test_a_member_with_no_points_sees_how_to_earn_them(client: Client, buyer: User) -> None:
    page = _page(client, buyer)

    assert page.by_id("points-history") is None
    assert part(page, "points-balance").text == "0"
    assert "never cash" in part(page, "points-rules").text


def test_the_page_renders_in_chinese(client: Client, buyer: User) -> None:
    with_history(buyer, mark="ZH")
    buyer.language = "zh-hans"
    buyer.save(update_fields=["language"])

    page = _page(client, buyer, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.all("html")[0].attrs["lang"] == "zh-hans"
    assert [row[3] for row in _history(page)] == ["-20", "+15", "+120"]
    assert part(page, "points-rules").text


def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, buyer: User, django_assert_max_num_queries: Any
) -> None:
    with_history(buyer, mark="Q")
    for n in range(POINTS_PER_PAGE * 2):
        points_earn(member=buyer, points=1, reason=EarnReason.CSAT_ANSWERED,
                    reference=f"csat:{n}")  # fmt: skip
        points_spend(member=buyer, points=1, reference=f"INV-{n}")
    client.force_login(buyer)

    with django_assert_max_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
