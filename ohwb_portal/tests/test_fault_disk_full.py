"""Fault test: the disk holding MEDIA_ROOT fills up during a referral's upload.

A real full filesystem: a small tmpfs mounted by the test as MEDIA_ROOT. The referral's rows roll back, and so
must its health documents: no file left on disk, no row, the form shown again with what was typed and a plain
message.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.models import Attachment, Referral

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

TMPFS_KB = 256
MESSAGE = "The portal could not store your file"


@pytest.fixture
def full_disk(settings):
    mount = Path(tempfile.mkdtemp(prefix="ohwb-fault-media-"))
    result = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_KB}k", "tmpfs", str(mount)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}); run the fault tests as root")
    settings.MEDIA_ROOT = str(mount)
    yield mount
    subprocess.run(["umount", str(mount)], check=False)  # noqa: S603, S607
    mount.rmdir()


def files_under(path: Path) -> list[str]:
    return [str(Path(root) / name) for root, _, names in os.walk(path) for name in names]


def pdf(name: str, kilobytes: int) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + os.urandom(kilobytes * 1024) + b"\n%%EOF"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.mark.parametrize("sizes", [(150, 150), (400,)], ids=["second file does not fit", "first file does not fit"])
def test_full_disk_during_upload_leaves_no_file_no_row_and_keeps_the_form(world, full_disk, sizes):
    manager = member(Role.MANAGER, world.trust_a)
    member(Role.OH_ADMIN, world.oh_service)
    employee = EmployeeFactory(organisation=world.trust_a)
    uploads = [pdf(f"fit-note-{i}.pdf", size) for i, size in enumerate(sizes)]
    data = {
        "employee": employee.pk,
        "reason_category": "mental_health",
        "absent": "absent",
        "absent_since_0": "1",
        "absent_since_1": "11",
        "absent_since_2": "2026",
        "manager_questions": ["fit_for_role"],
        "work_details": "Night porter on ward 7",
        "employee_agreed": "on",
        "submit_referral": "",
        "attachments": uploads,
    }
    response = signed_in_client(manager).post("/referrals/new/", data)
    html = response.content.decode()
    left = files_under(full_disk)
    print(
        f"\nDisk full ({TMPFS_KB} KB tmpfs): attempted 1 referral with {len(sizes)} file(s) of {sizes} KB; "
        f"answered {response.status_code}; saved {Referral.objects.count()} referral(s), "
        f"{Attachment.objects.count()} attachment row(s), {len(left)} file(s) left on disk; delivered 0; duplicated 0"
    )
    assert response.status_code == 200
    assert MESSAGE in html and "Nothing has been saved" in html
    assert "Night porter on ward 7" in html  # what was typed is still there
    assert "<title>Error: " in html
    assert not Referral.objects.exists() and not Attachment.objects.exists()
    assert left == []


def test_upload_that_fits_is_stored(world, full_disk):
    manager = member(Role.MANAGER, world.trust_a)
    member(Role.OH_ADMIN, world.oh_service)
    employee = EmployeeFactory(organisation=world.trust_a)
    data = {
        "employee": employee.pk,
        "reason_category": "mental_health",
        "absent": "at_work",
        "manager_questions": ["fit_for_role"],
        "work_details": "Porter",
        "employee_agreed": "on",
        "submit_referral": "",
        "attachments": [pdf("fit-note.pdf", 20)],
    }
    response = signed_in_client(manager).post("/referrals/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Attachment.objects.get()
    assert files_under(full_disk) == [document.file.path]
    assert "fit-note" not in document.file.name  # the name on disk says nothing about the person
