"""Template context shared by every page: the signed-in user's unread notification count."""

from django.http import HttpRequest

from members.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}
