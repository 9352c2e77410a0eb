"""A call-off signed by both sides is immutable in the database too (PostgreSQL triggers).

Only the status (to an end, or replaced by a variation) and a termination reason written once may
change; its lots and service levels cannot be added, changed or removed; it cannot be deleted.
The model refuses the same changes (suppliers/models.py, CHANGEABLE_AFTER_SIGNING).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION suppliers_calloff_signed_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.supplier_signed_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'A signed call-off cannot be deleted (call-off %)', OLD.id;
    END IF;
    IF (to_jsonb(NEW) - 'status' - 'termination_reason') IS DISTINCT FROM
       (to_jsonb(OLD) - 'status' - 'termination_reason') THEN
        RAISE EXCEPTION 'The terms of a signed call-off cannot be changed (call-off %): make a variation', OLD.id;
    END IF;
    IF NEW.termination_reason IS DISTINCT FROM OLD.termination_reason AND OLD.termination_reason <> '' THEN
        RAISE EXCEPTION 'The termination reason of a signed call-off is recorded once (call-off %)', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        (OLD.status = 'active' AND NEW.status IN ('expired', 'terminated', 'superseded'))
        OR (OLD.status = 'expired' AND NEW.status = 'superseded')
    ) THEN
        RAISE EXCEPTION 'A signed call-off cannot go from % to % (call-off %)', OLD.status, NEW.status, OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Lots and service levels: TG_ARGV[0] names the row's call-off column.
CREATE OR REPLACE FUNCTION suppliers_calloff_terms_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (
        SELECT 1 FROM suppliers_calloff
        WHERE id = (to_jsonb(OLD) ->> TG_ARGV[0])::bigint AND supplier_signed_at IS NOT NULL
    ) OR TG_OP <> 'DELETE' AND EXISTS (
        SELECT 1 FROM suppliers_calloff
        WHERE id = (to_jsonb(NEW) ->> TG_ARGV[0])::bigint AND supplier_signed_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'The lots and service levels of a signed call-off cannot be changed (%)', TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER suppliers_calloff_signed_immutable
    BEFORE UPDATE OR DELETE ON suppliers_calloff
    FOR EACH ROW EXECUTE FUNCTION suppliers_calloff_signed_immutable();
CREATE TRIGGER suppliers_calloff_lots_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON suppliers_calloff_lots
    FOR EACH ROW EXECUTE FUNCTION suppliers_calloff_terms_immutable('calloff_id');
CREATE TRIGGER suppliers_servicelevel_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON suppliers_servicelevel
    FOR EACH ROW EXECUTE FUNCTION suppliers_calloff_terms_immutable('call_off_id');
"""
REVERSE = """
DROP TRIGGER IF EXISTS suppliers_servicelevel_immutable ON suppliers_servicelevel;
DROP TRIGGER IF EXISTS suppliers_calloff_lots_immutable ON suppliers_calloff_lots;
DROP TRIGGER IF EXISTS suppliers_calloff_signed_immutable ON suppliers_calloff;
DROP FUNCTION IF EXISTS suppliers_calloff_terms_immutable();
DROP FUNCTION IF EXISTS suppliers_calloff_signed_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # the SQL has its own % placeholders


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
