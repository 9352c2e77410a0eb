from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/export.csv", views.access_log_export, name="access_log_export"),
    path("subject-access/", views.subject_access, name="subject_access"),
]
