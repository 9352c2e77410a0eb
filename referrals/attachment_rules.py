"""What a referral may have attached: type checked by content, a size per file, a count and a total per
referral (settings OHWB_ATTACHMENT_MAX_FILE_MB, OHWB_ATTACHMENTS_MAX_COUNT, OHWB_ATTACHMENTS_MAX_TOTAL_MB).
One rule for the page's form, the API and the service that saves them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import filetype
from django.conf import settings

MB = 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}


class AttachmentRefused(Exception):
    """The message says why, in the user's words."""


def file_type(upload: Any) -> str:
    """The file's real type (from its first bytes, not its name), or AttachmentRefused."""
    if upload.size > settings.OHWB_ATTACHMENT_MAX_FILE_MB * MB:
        raise AttachmentRefused(f"{upload.name} is larger than {settings.OHWB_ATTACHMENT_MAX_FILE_MB} MB")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/zip" and upload.name.lower().endswith(".docx"):
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if mime not in ALLOWED_ATTACHMENT_TYPES:
        raise AttachmentRefused(f"{upload.name} must be a PDF, Word document (DOCX), PNG or JPEG")
    return mime


def limits_in_words() -> str:
    return (
        f"PDF, Word (DOCX), PNG or JPEG, up to {settings.OHWB_ATTACHMENT_MAX_FILE_MB} MB each; "
        f"up to {settings.OHWB_ATTACHMENTS_MAX_COUNT} files and {settings.OHWB_ATTACHMENTS_MAX_TOTAL_MB} MB in all"
    )


def check_limits(*, existing_count: int, existing_bytes: int, new_sizes: Iterable[int]) -> None:
    """Refuse a set of new documents that would take the referral over its count or total size."""
    sizes = list(new_sizes)
    count, total = existing_count + len(sizes), existing_bytes + sum(sizes)
    max_count, max_mb = settings.OHWB_ATTACHMENTS_MAX_COUNT, settings.OHWB_ATTACHMENTS_MAX_TOTAL_MB
    if count > max_count:
        already = f" It already has {existing_count}." if existing_count else ""
        raise AttachmentRefused(
            f"You can attach up to {max_count} documents to a referral.{already} Choose {max_count - existing_count}"
            " or fewer."
        )
    if total > max_mb * MB:
        raise AttachmentRefused(
            f"The documents on a referral can add up to {max_mb} MB; these would make {total / MB:.1f} MB. "
            "Attach fewer or smaller files."
        )
