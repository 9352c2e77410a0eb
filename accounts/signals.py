from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def act_in_a_membership(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user.choose_default_membership()
