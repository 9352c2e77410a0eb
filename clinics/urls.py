from django.urls import path

from . import views

app_name = "clinics"

urlpatterns = [
    path("", views.clinic_list, name="list"),
    path("new/", views.new_clinic, name="new"),
    path("<int:pk>/", views.clinic_detail, name="detail"),
    path("<int:pk>/not-running/", views.add_exception, name="exception"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("week/", views.week, name="week"),
    path("capacity/", views.capacity, name="capacity"),
    path("book/referral/<int:pk>/", views.book_case, name="book_case"),
    path("book/referral/<int:pk>/send-link/", views.send_link, name="send_link"),
    path("book/check/<int:pk>/", views.book_check, name="book_check"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/move/", views.move_booking, name="move_booking"),
    path("bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("bookings/<int:pk>/attendance/", views.check_attendance, name="check_attendance"),
    path("bookings/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("bookings/<int:pk>/invitation.ics", views.booking_calendar, name="calendar"),
    path("my-appointment/<str:token>/", views.self_service, name="self_service"),
    path("my-appointment/<str:token>/invitation.ics", views.self_calendar, name="self_calendar"),
]
