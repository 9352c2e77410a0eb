from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_outbox_ordering")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="attachments",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
