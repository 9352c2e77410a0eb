"""What may be attached as evidence: PDF, Word (DOCX), PNG or JPEG, checked by content rather than by name, within
the portal's per-file size (OHWB_ATTACHMENT_MAX_FILE_MB) and a count per domain. The referrals' documents follow the
same limits; this app sits below referrals, so it keeps its own short copy of the check."""

from __future__ import annotations

from typing import Any

import filetype
from django.conf import settings

MB = 1024 * 1024
MAX_FILES_PER_DOMAIN = 5
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}


class EvidenceRefused(Exception):
    """The message says why, in the user's words."""


def file_type(upload: Any) -> str:
    """The file's real type (from its first bytes), or EvidenceRefused."""
    if upload.size > settings.OHWB_ATTACHMENT_MAX_FILE_MB * MB:
        raise EvidenceRefused(f"{upload.name} is larger than {settings.OHWB_ATTACHMENT_MAX_FILE_MB} MB")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/zip" and upload.name.lower().endswith(".docx"):
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if mime not in ALLOWED_TYPES:
        raise EvidenceRefused(f"{upload.name} must be a PDF, Word document (DOCX), PNG or JPEG")
    return mime


def limits_in_words() -> str:
    return (
        f"PDF, Word (DOCX), PNG or JPEG, up to {settings.OHWB_ATTACHMENT_MAX_FILE_MB} MB each; "
        f"up to {MAX_FILES_PER_DOMAIN} files for each domain"
    )
