from django.urls import path

from . import views

app_name = "injuries"

urlpatterns = [
    path("", views.injury_list, name="list"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assess/", views.assess, name="assess"),
    path("<int:pk>/source/request/", views.request_source, name="request_source"),
    path("<int:pk>/source/status/", views.record_source, name="record_source"),
    path("<int:pk>/tests/<int:test_pk>/book/", views.book_test, name="book_test"),
    path("<int:pk>/tests/<int:test_pk>/result/", views.record_result, name="record_result"),
    path("<int:pk>/close/", views.close, name="close"),
]
