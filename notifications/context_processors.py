from django.http import HttpRequest

from .unread import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notification_count": unread_count(request.user)}
