from django.urls import path

from . import views

app_name = "immunisation"

urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.new_campaign, name="new_campaign"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/clinics/new/", views.new_clinic, name="new_clinic"),
    path("campaigns/<int:pk>/vaccinators/", views.vaccinators, name="vaccinators"),
    path("campaigns/<int:pk>/uptake/", views.uptake, name="uptake"),
    path("campaigns/<int:pk>/national-return.csv", views.national_return_csv, name="national_return"),
    path("batches/", views.batches, name="batches"),
    path("clinics/<int:pk>/", views.clinic, name="clinic"),
    path("clinics/<int:pk>/batch/", views.clinic_batch, name="clinic_batch"),
    path("clinics/<int:pk>/people/<int:employee_pk>/", views.record_vaccination, name="record_vaccination"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.record, name="record"),
    path("staff/<int:pk>/open/", views.open_record, name="open_record"),
    path("staff/<int:pk>/entries/", views.add_entry, name="add_entry"),
    path("staff/<int:pk>/maternity/", views.maternity, name="maternity"),
    path("due/", views.due, name="due"),
    path("mine/", views.my_record, name="my_record"),
]
