from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import TwoFactorReset, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (the user sets up a new authenticator)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reset_two_factor(user=user, by=request.user, reason="Reset in the admin site")  # type: ignore[arg-type]
        count = queryset.count()
        self.message_user(request, f"Two-factor reset for {count} user(s); each has been told.", messages.SUCCESS)


@admin.register(TwoFactorReset)
class TwoFactorResetAdmin(admin.ModelAdmin):
    """Read-only: the log of resets is never edited or deleted here."""

    list_display = ["at", "user", "reset_by", "reason", "devices_removed"]
    list_filter = ["at"]
    search_fields = ["user__username", "reset_by__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
