"""Saved clinical notes cannot be changed in the database: UPDATE raises (PostgreSQL), DELETE stays possible.

The only way through is a transaction that has set `ohwb.retention_sweep` to 'on' (set_config(..., true),
local to the transaction), which `ClinicalNoteQuerySet.retention_update` does for the retention sweep.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION referrals_clinical_note_locked() RETURNS trigger AS $$
BEGIN
    IF current_setting('ohwb.retention_sweep', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'A saved clinical note cannot be changed: add an addendum instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER referrals_clinical_note_locked
    BEFORE UPDATE ON referrals_clinicalnote
    FOR EACH ROW EXECUTE FUNCTION referrals_clinical_note_locked();
"""
REVERSE = """
DROP TRIGGER IF EXISTS referrals_clinical_note_locked ON referrals_clinicalnote;
DROP FUNCTION IF EXISTS referrals_clinical_note_locked();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_report_versions")]
    operations = [migrations.RunPython(forwards, backwards)]
