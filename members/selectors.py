"""Read-side queries for accounts and notifications."""

from django.db.models import QuerySet

from members.models import Notification, User


def notification_list(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
