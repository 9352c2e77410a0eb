from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ohwb_portal.requests import AuthenticatedRequest

from . import services
from .models import Notification


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@login_required
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark as read, then go where the notification points (only within the portal)."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, {request.get_host()}, request.is_secure()):
        return redirect(link)
    return redirect("notifications:list")


@require_POST
@login_required
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return redirect("notifications:list")
