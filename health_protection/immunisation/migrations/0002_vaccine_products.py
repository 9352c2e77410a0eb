"""The vaccines in use for staff campaigns, as reference data (a service adds batches of them)."""

from django.db import migrations

PRODUCTS = [
    ("Cell-based influenza vaccine (TIVc)", "flu"),
    ("Recombinant influenza vaccine (QIVr)", "flu"),
    ("Adjuvanted influenza vaccine (aTIV)", "flu"),
    ("COVID-19 mRNA vaccine (Comirnaty)", "covid_19"),
    ("COVID-19 mRNA vaccine (Spikevax)", "covid_19"),
]


def add_products(apps, schema_editor):  # type: ignore[no-untyped-def]
    product = apps.get_model("immunisation", "VaccineProduct")
    for name, kind in PRODUCTS:
        product.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("immunisation", "0001_initial")]

    operations = [migrations.RunPython(add_products, migrations.RunPython.noop)]
