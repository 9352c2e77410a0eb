"""Sign-in, two-factor, role switching and the role-aware home page."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from ohwb_portal.requests import AuthenticatedRequest

from . import services
from .forms import SignInForm, SwitchRoleForm, TotpCodeForm
from .home import waiting_for, work_for


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        return context


@login_required
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app: show the QR code and the key, then check one code.

    Only where two_factor.may_enrol_authenticator allows; any other session is sent to prove the authenticator it
    has, and sees no key.
    """
    user = request.user
    try:
        device = services.start_totp_enrolment(user=user, session=request.session)
        form = TotpCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if services.confirm_totp_enrolment(request=request, user=user, code=form.cleaned_data["code"]):
                messages.success(request, "Two-factor authentication is set up.")
                return redirect(_safe_next(request))
            form.add_error(
                "code", "That code did not match. Wait a few seconds, then enter the newest code from your app"
            )
    except services.EnrolmentRefused:
        messages.info(request, "Enter a code from the authenticator app you already have before you set up a new one.")
        return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": device.bin_key.hex(), "config_url": device.config_url},
    )


@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # match_token refuses a code already used (django-otp keeps the last time step per device).
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", "That code did not match. Wait a few seconds, then enter the newest code from your app")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@require_POST
@login_required
def switch_role(request: AuthenticatedRequest) -> HttpResponse:
    form = SwitchRoleForm(request.POST, user=request.user)
    if form.is_valid():
        services.switch_role(request=request, membership=form.cleaned_data["membership"])
        messages.success(request, f"You are now acting as {form.cleaned_data['membership']}.")
    else:
        messages.error(request, "Choose one of your own roles.")
    return redirect("home")


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    membership = request.user.active_membership
    return render(
        request,
        "accounts/home.html",
        {"membership": membership, "waiting": waiting_for(request.user, membership), "work": work_for(membership)},
    )


def sso_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sso_refused.html", status=403)
