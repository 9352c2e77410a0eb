from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import unread
from .models import Notification


@receiver(post_save, sender=Notification)
@receiver(post_delete, sender=Notification)
def forget_unread_count(sender: Any, instance: Notification, **kwargs: Any) -> None:
    unread.forget(instance.user_id)
