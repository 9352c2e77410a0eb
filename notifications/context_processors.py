from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notification_count": Notification.objects.visible_to(request.user).unread().count()}
