from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("mine/", views.my_referrals, name="my_referrals"),
    path("my-cases/", views.my_cases, name="my_cases"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("caseload/", views.caseload, name="caseload"),
    path("new/", views.new_referral, name="new"),
    path("self-referral/", views.self_referral, name="self_referral"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/edit/", views.edit_draft, name="edit_draft"),
    path("<int:pk>/delete/", views.delete_draft, name="delete_draft"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/documents/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/book/", views.book, name="book"),
    path("<int:pk>/appointments/<int:appointment_pk>/attendance/", views.attendance, name="attendance"),
    path(
        "<int:pk>/appointments/<int:appointment_pk>/correct-attendance/",
        views.correct_attendance,
        name="correct_attendance",
    ),
    path("<int:pk>/appointments/<int:appointment_pk>/move/", views.reschedule, name="reschedule"),
    path("<int:pk>/appointments/<int:appointment_pk>/cancel/", views.cancel_appointment, name="cancel_appointment"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/notes/<int:note_pk>/addendum/", views.addendum, name="addendum"),
    path("<int:pk>/messages/", views.case_messages, name="messages"),
    path("<int:pk>/measures/", views.record_measures, name="measures"),
    path("<int:pk>/work-ability/", views.own_score, name="own_score"),
    path("work-ability/<str:token>/", views.score_link, name="score_link"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/adjustments/", views.adjustments, name="adjustments"),
    path("<int:pk>/close/", views.close, name="close"),
]
