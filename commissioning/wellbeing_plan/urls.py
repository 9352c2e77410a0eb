from django.urls import path

from . import views

app_name = "wellbeing_plan"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("add/", views.add, name="add"),
    path("<int:pk>/", views.edit, name="edit"),
]
