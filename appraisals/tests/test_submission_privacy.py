"""A buyer sees only their own submissions: strangers get 404, never 403."""

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.tests.factories import draft_for
from members.roles import Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _urls(submission) -> list[tuple[str, str]]:  # noqa: ANN001
    photo = submission.photos.first()
    uid = submission.uid
    return [
        ("get", reverse("appraisals:submission-detail", args=[uid])),
        ("get", reverse("appraisals:submission-timeline", args=[uid])),
        ("get", reverse("appraisals:submission-item", args=[uid])),
        ("get", reverse("appraisals:submission-photos", args=[uid])),
        ("get", reverse("appraisals:submission-details", args=[uid])),
        ("get", reverse("appraisals:submission-review", args=[uid])),
        ("post", reverse("appraisals:submission-review", args=[uid])),
        ("post", reverse("appraisals:submission-photo-upload", args=[uid, "front"])),
        ("post", reverse("appraisals:submission-photos-batch", args=[uid])),
        ("get", reverse("appraisals:submission-photo-image", args=[uid, photo.pk])),
        ("post", reverse("appraisals:submission-photo-move", args=[uid, photo.pk])),
        ("post", reverse("appraisals:submission-photo-delete", args=[uid, photo.pk])),
    ]


@pytest.fixture
def submission(buyer, catalog):  # noqa: ANN001, ANN201
    return draft_for(buyer, catalog["handbag"], with_photos=True)


def test_the_owner_can_open_every_page(client: Client, buyer, submission) -> None:  # noqa: ANN001
    client.force_login(buyer)
    for method, url in _urls(submission):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_anyone_else_gets_404_on_every_page(client: Client, submission, who: str) -> None:  # noqa: ANN001
    roles = [Role.BUYER] if who == "stranger" else [Role.STAFF]
    client.force_login(UserFactory(roles=roles))
    for method, url in _urls(submission):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert submission.photos.count() == submission.category.slots.count()


def test_a_stranger_does_not_see_it_in_their_list(client: Client, submission, stranger) -> None:  # noqa: ANN001
    client.force_login(stranger)
    assert (
        submission.reference
        not in client.get(reverse("appraisals:submission-list")).content.decode()
    )


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, submission) -> None:  # noqa: ANN001
    response = client.get(reverse("appraisals:submission-detail", args=[submission.uid]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


def test_staff_see_the_case_and_its_photos_in_the_admin(client: Client, submission) -> None:  # noqa: ANN001
    client.force_login(UserFactory(roles=[Role.STAFF]))
    change = client.get(reverse("admin:appraisals_submission_change", args=[submission.pk]))
    assert change.status_code == 200
    assert submission.reference in change.content.decode()
    photo = submission.photos.first()
    image = client.get(reverse("admin:appraisals_submissionphoto_image", args=[photo.pk]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"


def test_a_buyer_cannot_open_the_admin(client: Client, submission, buyer) -> None:  # noqa: ANN001
    client.force_login(buyer)
    response = client.get(reverse("admin:appraisals_submission_change", args=[submission.pk]))
    assert response.status_code == 302
