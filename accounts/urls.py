from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/set-up/", views.otp_setup, name="otp_setup"),
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("switch-role/", views.switch_role, name="switch_role"),
    path("sso-refused/", views.sso_refused, name="sso_refused"),
]
