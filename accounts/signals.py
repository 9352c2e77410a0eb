import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY


@receiver(user_logged_in)
def start_session_clock_and_choose_role(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_SEEN_KEY] = now
    user.choose_default_membership()
