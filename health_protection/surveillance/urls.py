from django.urls import path

from . import views

app_name = "surveillance"

urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("new/", views.new_programme, name="new_programme"),
    path("worklist/", views.worklist, name="worklist"),
    path("my-staff/", views.team, name="team"),
    path("<int:pk>/", views.programme, name="programme"),
    path("<int:pk>/rules/", views.add_rule, name="add_rule"),
    path("<int:pk>/rules/apply/", views.apply_rules, name="apply_rules"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/", views.enrolment, name="enrolment"),
    path("enrolments/<int:pk>/result/", views.record_result, name="record_result"),
    path("enrolments/<int:pk>/invite/", views.invite, name="invite"),
    path("enrolments/<int:pk>/end/", views.end, name="end"),
    path("recall/<str:token>/", views.recall, name="recall"),
]
