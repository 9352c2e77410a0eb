"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from django.urls import path

from .views import BoardReportDetailView, BoardReportListView, KpiListView, TimeseriesView

urlpatterns = [
    path("metrics/kpis/", KpiListView.as_view(), name="metrics-kpis"),
    path("metrics/timeseries/", TimeseriesView.as_view(), name="metrics-timeseries"),
    path("reports/board/", BoardReportListView.as_view(), name="board-reports"),
    path("reports/board/<int:pk>/", BoardReportDetailView.as_view(), name="board-report"),
]
