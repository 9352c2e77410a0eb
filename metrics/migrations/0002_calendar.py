"""Fill the working-day calendar for 2015 to 2040 (bank holidays from the `holidays` package)."""

from datetime import date, timedelta

from django.db import migrations


def fill(apps, schema_editor):
    from ohwb_portal.working_days import is_working_day

    CalendarDay = apps.get_model("metrics", "CalendarDay")
    day, end, ordinal, rows = date(2015, 1, 1), date(2040, 12, 31), 0, []
    while day <= end:
        working = is_working_day(day)
        ordinal += working
        rows.append(CalendarDay(date=day, working_day=ordinal, is_working_day=working))
        day += timedelta(days=1)
    CalendarDay.objects.bulk_create(rows, batch_size=2000)


def empty(apps, schema_editor):
    apps.get_model("metrics", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]
    operations = [migrations.RunPython(fill, empty)]
