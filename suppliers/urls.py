from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("compare/", views.compare, name="compare"),
    path("applications/", views.applications, name="applications"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path("my-rates/", views.my_rates, name="my_rates"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/", views.change, name="change"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/accreditation/", views.accreditation, name="accreditation"),
    path("<int:supplier_pk>/call-off/", views.new_call_off, name="new_call_off"),
    path("call-offs/", views.call_offs, name="call_offs"),
    path("call-offs/<int:pk>/", views.call_off, name="call_off"),
    path("call-offs/<int:pk>/edit/", views.edit_call_off, name="edit_call_off"),
    path("call-offs/<int:pk>/send/", views.send_call_off, name="send_call_off"),
    path("call-offs/<int:pk>/sign/", views.sign_call_off, name="sign_call_off"),
    path("call-offs/<int:pk>/terminate/", views.terminate_call_off, name="terminate_call_off"),
    path("call-offs/<int:pk>/vary/", views.vary_call_off, name="vary_call_off"),
    path("call-offs/<int:pk>/return/", views.monthly_return, name="monthly_return"),
]
