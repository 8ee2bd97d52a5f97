"""Staff read quota periods and uses in the admin, in English and Chinese, with a label on
every field, and can neither add, change nor delete any of them."""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise

from members.models import User
from members.tests.factories import UserFactory
from membership.models import QuotaPeriod, QuotaUse
from membership.services.quotas import quota_consume, quota_restore
from membership.tests.quotas_plans import NOW, STANDARD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def use(buyer: User) -> QuotaUse:
    for reference in ["submission:abc123", "submission:def456"]:
        quota_consume(member=buyer, reference=reference, service_tier="standard",
                      base_cents=STANDARD, standard_cents=STANDARD, now=NOW)  # fmt: skip
        quota_restore(reference=reference, reason="inconclusive")
    return QuotaUse.objects.get(reference="submission:abc123")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_staff_read_periods_and_uses_and_change_nothing(
    admin_client_: Client, use: QuotaUse, language: str
) -> None:
    headers = {"accept-language": language}
    uses = admin_client_.get(reverse("admin:membership_quotause_changelist"), headers=headers)
    assert uses.status_code == 200
    assert "submission:abc123" in uses.text and "inconclusive" in uses.text
    assert uses.headers["Content-Language"] == language
    page = admin_client_.get(
        reverse("admin:membership_quotause_change", args=[use.pk]), headers=headers
    )
    assert page.status_code == 200 and "submission:abc123" in page.text
    period = admin_client_.get(
        reverse("admin:membership_quotaperiod_change", args=[use.quota_period_id]), headers=headers
    )
    assert period.status_code == 200 and "submission:def456" in period.text

    for name in ["quotaperiod", "quotause"]:
        assert admin_client_.get(reverse(f"admin:membership_{name}_add")).status_code == 403
    change = reverse("admin:membership_quotause_change", args=[use.pk])
    assert admin_client_.post(change, {"covered_cents": "0"}).status_code == 403
    delete = reverse("admin:membership_quotause_delete", args=[use.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert QuotaUse.objects.get(pk=use.pk).covered_cents == STANDARD


@pytest.mark.parametrize("model", [QuotaPeriod, QuotaUse])
def test_every_field_has_a_translatable_label(model: type[models.Model]) -> None:
    """Chinese pages show each label translated, never an English column name."""
    for field in model._meta.get_fields():
        if field.concrete and not field.auto_created:
            assert isinstance(field.verbose_name, Promise), f"{model.__name__}.{field.name}"
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)
