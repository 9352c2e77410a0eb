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
    path("<int:pk>/link/resend/", views.resend_link, name="resend_link"),
    path("<int:pk>/link/extend/", views.extend_link, name="extend_link"),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
]
