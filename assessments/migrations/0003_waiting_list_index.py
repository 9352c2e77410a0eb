from django.conf import settings
from django.db import migrations, models

from ohwb_portal.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: checks keep being written while the index builds; it cannot run in a transaction.
    atomic = False

    dependencies = [
        ("assessments", "0002_assessment_anonymised_at_and_more"),
        ("organisations", "0004_role_vaccinator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("outcome", "further_assessment"), ("status", "cleared")),
                fields=["oh_service", "cleared_at"],
                include=("id",),
                name="assessment_waiting_for_booking",
            ),
        ),
    ]
