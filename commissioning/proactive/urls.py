from django.urls import path

from . import views

app_name = "proactive"

urlpatterns = [
    path("absence/import/", views.absence_import, name="absence_import"),
    path("consider/", views.consider, name="consider"),
    path("consider/<int:pk>/refer/", views.start_referral, name="start_referral"),
    path("consider/<int:pk>/not-now/", views.not_now, name="not_now"),
    path("board/", views.board, name="board"),
]
