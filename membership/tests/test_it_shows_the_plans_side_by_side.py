"""/membership/plans/: every active plan side by side with its price and benefits, readable by
anyone; a tier says it is earned by spend, a pass offers its upgrade, and a signed-in member
sees the plans they hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from membership.models import Plan
from membership.tests.member_pages import Node, diamond_member, page_tree, part, pass_holder

pytestmark = pytest.mark.django_db

URL = "/membership/plans/"
QUERIES = 8


def _page(client: Client, **headers: Any) -> Node:
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return page_tree(response.content)


def _columns(page: Node) -> list[str]:
    header = part(page, "plans").all("thead")[0]
    return [th.text for th in header.all("th")][1:]


def _row(page: Node, label: str) -> list[str]:
    for row in part(page, "plans").all("tr"):
        cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]
        if cells and cells[0].text == label:
            return [c.text for c in cells[1:]]
    raise AssertionError(f"no row {label!r}")


def test_anyone_sees_every_active_plan_with_its_price_and_benefits(client: Client) -> None:
    Plan.objects.filter(code="pass-monthly").update(active=False)

    page = _page(client)

    columns = _columns(page)
    assert [c.split(" ")[0] for c in columns] == ["Free", "Pass", "Black", "Diamond"]
    assert not any("monthly" in c for c in columns)  # staff took it off offer
    prices = _row(page, "Price")
    assert prices[0] == "Free of charge"
    assert prices[1] == "€190.00 a year"
    assert prices[2] == "Earned automatically: spend €1,000.00 in 12 months"
    assert prices[3] == "Earned automatically: spend €5,000.00 in 12 months"
    assert _row(page, "Free appraisals") == [
        "1 free appraisal a month",
        "Unlimited basic appraisals",
        "2 free appraisals a month",
        "4 free appraisals a month",
    ]
    assert _row(page, "Dispute fee") == ["Charged", "Charged", "Waived", "Waived"]
    assert _row(page, "Guarantee")[3] == "×3 the guarantee cap"
    assert "within 24 hours" in _row(page, "Expert response")[2]
    upgrade = reverse("billing:pass-upgrade") + "?plan=pass-annual"
    assert upgrade in page.hrefs()
    # Nobody is signed in: no plan is anyone's, and the page says so nowhere.
    assert "Yours" not in " ".join(columns)


def test_a_member_sees_the_plans_they_hold(client: Client) -> None:
    client.force_login(pass_holder())

    page = _page(client)

    marked = [c for c in _columns(page) if "Yours" in c]
    assert [c.split(" ")[0] for c in marked] == ["Free", "Pass"]
    assert "pass-annual" not in " ".join(page.hrefs())  # held: nothing to buy
    assert reverse("billing:pass-upgrade") + "?plan=pass-monthly" in page.hrefs()


def test_a_diamond_member_sees_diamond_as_theirs(client: Client) -> None:
    client.force_login(diamond_member())

    marked = [c for c in _columns(_page(client)) if "Yours" in c]

    assert [c.split(" ")[0] for c in marked] == ["Free", "Diamond"]


def test_the_plans_render_in_chinese(client: Client) -> None:
    page = _page(client, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.all("html")[0].attrs["lang"] == "zh-hans"
    columns = _columns(page)
    assert columns[0].startswith("免费会员") and columns[-1].startswith("钻石")
    assert len(part(page, "plans").all("tr")) == 9  # the header, price, six benefits, actions


def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, buyer: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(buyer)
    for n in range(5):
        Plan.objects.create(code=f"pass-{n}", name=f"Pass {n}", kind="pass", price_cents=100,
                            billing_interval="month")  # fmt: skip

    with django_assert_max_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
