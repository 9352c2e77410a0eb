from django.apps import AppConfig


class MaturityConfig(AppConfig):
    name = "commissioning.maturity"
    label = "maturity"
    verbose_name = "Service maturity"
