"""The list of a buyer's submissions costs a fixed number of queries, however long it is."""

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.tests.factories import draft_for

pytestmark = pytest.mark.django_db


def test_my_submissions_costs_the_same_queries_for_1_or_6_cases(
    client: Client,
    buyer,
    catalog,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client.force_login(buyer)
    draft_for(buyer, catalog["handbag"], with_photos=True)
    url = reverse("appraisals:submission-list")
    with django_assert_max_num_queries(8) as one:
        assert client.get(url).status_code == 200
    for category in ("watch", "handbag", "watch", "handbag", "watch"):
        draft_for(buyer, catalog[category])
    with django_assert_max_num_queries(8) as six:
        body = client.get(url).content.decode()
    assert body.count("AP-") >= 6
    assert len(six.captured_queries) == len(one.captured_queries)
