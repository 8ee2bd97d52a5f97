"""/membership/, "My membership": the plans a member holds, their combined benefits, this
period's usage, the tier rule with their progress, points and credit, for a member on Free,
a pass holder and a Diamond member; only ever their own; sign-in required; in Chinese too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from membership.models import EarnReason
from membership.selectors import pages
from membership.services.credit import credit_signal_record
from membership.services.plans import spend_record
from membership.services.points import points_earn
from membership.services.quotas import quota_consume
from membership.tests.member_pages import (
    Node,
    diamond_member,
    page_tree,
    part,
    pass_holder,
    with_history,
)

pytestmark = pytest.mark.django_db

URL = "/membership/"
# Free, a pass holder, Diamond and a busy member alike: whatever they hold and however much
# history they have, the page reads a fixed set of queries (Diamond's hold adds one sum).
QUERIES = 19


def _page(client: Client, member: User, **headers: Any) -> Node:
    client.force_login(member)
    response = client.get(URL, **headers)
    assert response.status_code == 200
    return page_tree(response.content)


def _text(page: Node, element_id: str) -> str:
    return part(page, element_id).text


def test_it_asks_a_visitor_to_sign_in(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


def test_a_member_on_free_sees_free_and_the_way_to_a_tier(client: Client, buyer: User) -> None:
    with_history(buyer, mark="FREEMEMBER")

    page = _page(client, buyer)

    assert "Free" in _text(page, "plans-held-list")
    assert "No pass" in _text(page, "pass-held")
    assert "No tier yet" in _text(page, "tier-held")
    benefits = _text(page, "benefits-list")
    assert "1 free appraisal a month" in benefits
    assert "The usual queue order" in benefits and "Charged" in benefits
    # The one free appraisal of the month went on the case in the history.
    assert _text(page, "usage-free") == "1 of 1"
    assert len(part(page, "usage-recent").all("tr")) == 2  # the header and the case
    assert "Spend €1,000.00 in 12 months to reach Black card" in _text(page, "tier-rule-text")
    assert part(page, "tier-progress").attrs["value"] == "0"
    # 120 + 15 earned, 20 spent from the older lot, whose 100 left expire within days.
    assert _text(page, "points-balance") == "115"
    assert _text(page, "points-next-expiry").startswith("100 points expire on")
    assert "1 dispute rejected" in _text(page, "credit-factors")
    assert part(page, "credit-improve").all("li")
    assert reverse("billing:pass-upgrade") in part(page, "pass-held").hrefs()
    assert {reverse("billing:invoice-list"), reverse("membership:plans")} <= page.hrefs()


def test_a_member_sees_how_far_their_spend_has_come_towards_the_next_tier(
    client: Client, buyer: User
) -> None:
    spend_record(member=buyer, cents=25_000, reference="spend:progress")

    page = _page(client, buyer)

    assert part(page, "tier-progress").attrs["value"] == "25"
    assert "€750.00 to go" in _text(page, "tier-section")
    assert "you have spent €250.00 since" in _text(page, "tier-rule-text")


def test_a_pass_holder_sees_the_pass_its_end_and_whether_it_renews(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = pass_holder()
    cancel = reverse("billing:pass-cancel")

    page = _page(client, member)

    held = _text(page, "pass-held")
    assert "Pass (annual)" in held and "until" in held
    # Staff granted it, no subscription pays for it: the page claims neither, and there is no
    # renewal to cancel.
    assert "renews automatically" not in held and "does not renew" not in held
    assert cancel not in part(page, "pass-held").hrefs()
    assert "Unlimited basic appraisals" in _text(page, "benefits-list")
    assert "Exclusive report design" in _text(page, "benefits-list")
    assert "covers the Standard price of every case until" in _text(page, "usage-pass")
    # The pass covered the case, so no free appraisal was used.
    assert _text(page, "usage-free") == "0 of 1"
    assert "Pass (annual)" in _text(page, "usage-recent")

    # Billing answers whether a pass renews (billing/apps.py); here, as it would for a live
    # subscription, and then for one whose renewal was cancelled.
    monkeypatch.setattr(pages, "_pass_renewal", lambda who: who == member)
    renewing = _page(client, member)
    assert "renews automatically" in _text(renewing, "pass-held")
    assert cancel in part(renewing, "pass-held").hrefs()
    monkeypatch.setattr(pages, "_pass_renewal", lambda who: False)
    lapsing = _page(client, member)
    assert "does not renew" in _text(lapsing, "pass-held")
    assert cancel not in part(lapsing, "pass-held").hrefs()


def test_a_diamond_member_sees_the_tier_its_hold_and_the_best_benefits(client: Client) -> None:
    member = diamond_member()

    page = _page(client, member)

    held = _text(page, "tier-held")
    assert "Diamond" in held and "held until" in held
    benefits = _text(page, "benefits-list")
    assert "4 free appraisals a month" in benefits
    assert "priority 30" in benefits
    assert "within 6 hours" in benefits
    assert "Waived" in benefits and "×3" in benefits
    assert _text(page, "usage-free") == "1 of 4"
    assert "You hold Diamond until" in _text(page, "tier-rule-text")
    # Nothing above Diamond: no progress towards a next tier.
    assert page.by_id("tier-progress") is None


def test_a_member_never_sees_another_members_data(client: Client, buyer: User) -> None:
    diamond_member(email="other@example.com", mark="OTHERMEMBER")
    with_history(buyer, mark="OWNMEMBER", points=40, spent=5)

    page = _page(client, buyer)

    assert "Diamond" not in _text(page, "tier-held")
    assert _text(page, "points-balance") == "50"
    assert "OTHERMEMBER" not in page.text and "other@example.com" not in page.text
    assert len(part(page, "usage-recent").all("tr")) == 2
    assert "1 dispute rejected" in _text(page, "credit-factors")


def test_the_page_renders_in_chinese(client: Client) -> None:
    member = diamond_member()
    member.language = "zh-hans"
    member.save(update_fields=["language"])

    page = _page(client, member, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.all("html")[0].attrs["lang"] == "zh-hans"
    assert "钻石" in _text(page, "tier-held")  # the plan's own Chinese name
    assert "Diamond" not in _text(page, "tier-held")
    for element_id in ("benefits-list", "usage-free", "tier-rule-text", "credit-score"):
        assert _text(page, element_id)


def _busy() -> User:
    """A pass holder with many cases covered, lots earned and credit signals."""
    member = pass_holder()
    for n in range(15):
        quota_consume(member=member, reference=f"submission:busy{n}", service_tier="express",
                      base_cents=9900, standard_cents=4900)  # fmt: skip
        points_earn(member=member, points=5, reason=EarnReason.CSAT_ANSWERED,
                    reference=f"csat:busy{n}")  # fmt: skip
        credit_signal_record(member=member, kind="risk_flag", reference=f"flag:busy{n}")
    return member


@pytest.mark.parametrize("make", ["free", "pass", "diamond", "busy"])
def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, buyer: User, make: str, django_assert_max_num_queries: Any
) -> None:
    makers: dict[str, Callable[[], User]] = {
        "free": lambda: with_history(buyer, mark="FREEMEMBER"),
        "pass": pass_holder,
        "diamond": diamond_member,
        "busy": _busy,
    }
    client.force_login(makers[make]())

    with django_assert_max_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
