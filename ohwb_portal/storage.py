"""Where uploaded health documents are written, so that a failed save leaves nothing behind.

A file is written before the row that names it is committed. When the disk is full (or any other write fails)
part-way through a request, the rows roll back but the files already written would stay, with no record:
health data nobody can find or delete. So:
  - a write that fails removes its own partial file and raises StorageError, which pages turn into a message;
  - `files_removed_on_failure()` around a transaction removes the files written inside it when it raises;
  - names on disk are random (the original name is kept in the row), so no name collides or says whose it is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("ohwb_portal.storage")

# What a person is told; the cause (disk full, permissions) goes to the log for operators.
COULD_NOT_STORE = (
    "The portal could not store your file. Nothing has been saved: choose your files again and send the form "
    "again later. If this keeps happening, contact your organisation's IT service desk."
)

_written: ContextVar[list[tuple[FileSystemStorage, str]] | None] = ContextVar("ohwb_files_written", default=None)


class StorageError(Exception):
    """A file could not be written; nothing of it is left on disk."""

    def __str__(self) -> str:
        return COULD_NOT_STORE


class PortalFileSystemStorage(FileSystemStorage):
    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        directory, base = os.path.split(name)
        extension = os.path.splitext(base)[1].lower()[:10]
        return super().get_available_name(os.path.join(directory, uuid.uuid4().hex + extension), max_length)

    def _save(self, name: str, content: Any) -> str:
        try:
            saved = super()._save(name, content)  # type: ignore[misc]  # not in django-stubs
        except OSError as exc:
            # The random name is ours alone, so whatever is at that path is this write's partial file.
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            logger.error("Could not store an uploaded file (%s: %s)", type(exc).__name__, exc.strerror or exc)
            raise StorageError from exc
        written = _written.get()
        if written is not None:
            written.append((self, saved))
        return saved


@contextlib.contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """Wrap the outermost transaction that saves files: if it raises, the files written in it are deleted."""
    if _written.get() is not None:  # nested: the outermost block decides
        yield
        return
    written: list[tuple[FileSystemStorage, str]] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _written.reset(token)


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, also rewriting JavaScript module imports to the hashed names.

    Without it static/js/init.js would import the unhashed nhsuk-frontend.min.js while other references use the
    hashed copy, and the browser would load and run the library twice. (Django calls this support experimental;
    ohwb_portal/tests/test_static_modules.py checks what it writes for our files.)
    """

    support_js_module_import_aggregation = True
