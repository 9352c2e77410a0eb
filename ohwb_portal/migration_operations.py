"""Migration operations for big tables: an index built CONCURRENTLY on PostgreSQL, so writes go on while it builds.

Django's AddIndexConcurrently is PostgreSQL only; the embedded SQLite default builds the same index the plain way
(it has no concurrent build, and no one else is writing). The migration using it must set atomic = False.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently, BtreeGistExtension
from django.db.migrations import AddConstraint


class AddIndexConcurrentlyWherePossible(AddIndexConcurrently):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(
                model, from_state.models[app_label, self.model_name_lower].get_index_by_name(self.index.name)
            )


class AddConstraintOnPostgres(AddConstraint):
    """A PostgreSQL-only constraint (an exclusion constraint, e.g. no double booking): added there, and only kept in
    the migration state elsewhere, so the embedded SQLite default migrates (its services make the same check)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class BtreeGistExtensionOnPostgres(BtreeGistExtension):
    """btree_gist (for exclusion constraints) on PostgreSQL. Django's own operation already skips other databases
    going forwards, but going backwards it asks `pg_extension`, which the embedded SQLite default does not have."""

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
