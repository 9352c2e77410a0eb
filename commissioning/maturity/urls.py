from django.urls import path

from . import views

app_name = "maturity"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/domains/<slug:domain>/", views.edit_domain, name="edit_domain"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("services/<int:pk>/history/", views.history, name="history"),
]
