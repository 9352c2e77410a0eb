"""The control page's table (bench/views.py): TechEmpower's "fortunes", a dozen short messages."""

from django.db import models


class Fortune(models.Model):
    message = models.CharField(max_length=2048)

    def __str__(self) -> str:
        return self.message
