from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.recruiter_list, name="recruiter_list"),
    path("start/", views.start, name="start"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/immunisations/", views.record_immunisations, name="immunisations"),
    path("<int:pk>/clearance/", views.clearance, name="clearance"),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
]
