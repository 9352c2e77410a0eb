from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("export.csv", views.export_csv, name="export"),
    path("board-reports/", views.board_reports, name="board_reports"),
    path("board-reports/<int:pk>/download/", views.download_report, name="download_report"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
