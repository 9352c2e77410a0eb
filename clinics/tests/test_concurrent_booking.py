"""Two bookings of one slot at the same moment, each in its own thread with its own PostgreSQL connection: one
wins, the other is refused as SlotTaken, and the loser's case is left as it was. The second test takes the
service's own check away, so that only the database's exclusion constraint stands between the two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from clinics import services
from clinics.models import Booking
from clinics.rules import SlotTaken
from referrals.models import Appointment, Status

from .test_diary import WEDNESDAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race between two PostgreSQL connections"),
]


def _race(diary, *, before_insert=None):
    diary.build_clinic()
    slot = diary.slot(WEDNESDAY, 10)
    cases = [diary.case(), diary.case()]
    start = threading.Barrier(2)
    results: dict[int, str] = {}

    def book(referral):
        try:
            start.wait()
            services.book_slot(slot=slot, by=diary.oh_admin, referral=referral)
            results[referral.pk] = "booked"
        except SlotTaken:
            results[referral.pk] = "refused"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[referral.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(referral,)) for referral in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return slot, cases, results


def _one_won(slot, cases, results):
    assert sorted(results.values()) == ["booked", "refused"], results
    winner = next(r for r in cases if results[r.pk] == "booked")
    loser = next(r for r in cases if results[r.pk] == "refused")
    assert list(Booking.objects.holding().filter(start=slot.start).values_list("referral_id", flat=True)) == [winner.pk]
    loser.refresh_from_db()
    assert loser.status == Status.TRIAGED and not Appointment.objects.filter(referral=loser).exists()


def test_two_bookings_of_one_slot_at_once_one_wins(diary):
    _one_won(*_race(diary))


def test_the_exclusion_constraint_alone_refuses_the_second(diary, monkeypatch):
    both_checked = threading.Barrier(2)
    checks = []

    def no_check(*args, **kwargs):
        """Both requests pass the service's check before either writes: only the database can stop one."""
        checks.append(1)
        if len(checks) <= 2:
            both_checked.wait(timeout=30)
        return False

    diary.build_clinic()  # slots made before the check is taken away
    monkeypatch.setattr(services, "_clash", no_check)
    monkeypatch.setattr(diary, "build_clinic", lambda **kw: diary.clinic)
    _one_won(*_race(diary))
