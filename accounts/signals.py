import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device

from . import verified_devices
from .middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY


@receiver(user_logged_in)
def start_session_clock_and_choose_role(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_SEEN_KEY] = now
    user.choose_default_membership()


@receiver(post_save)
@receiver(post_delete)
def forget_changed_authenticator(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Any device kind (TOTP today): a session verified with it must load it again to be let in.
    if isinstance(instance, Device):
        verified_devices.forget(instance)
