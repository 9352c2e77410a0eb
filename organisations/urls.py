from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/import/", views.staff_import, name="staff_import"),
]
