"""Every periodic task, in one place (read by Celery beat through CELERY_BEAT_SCHEDULE).

Task names are strings, so this module imports no Django code and settings can load it.
All tasks are idempotent: a run missed or repeated does no harm.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "notifications-sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    "notifications-worker-heartbeat": {"task": "notifications.tasks.record_worker_heartbeat", "schedule": 30.0},
    "notifications-purge-old-sent": {
        "task": "notifications.tasks.purge_sent_messages",
        "schedule": crontab(minute=3, hour=2),
    },
    "referrals-appointment-reminders": {"task": "referrals.tasks.send_appointment_reminders", "schedule": 300.0},
    "referrals-triage-overdue": {"task": "referrals.tasks.alert_overdue_triage", "schedule": crontab(minute=15)},
    "referrals-consent-chaser": {"task": "referrals.tasks.chase_consent", "schedule": crontab(minute=30, hour=9)},
    "referrals-adjustment-chaser": {
        "task": "referrals.tasks.chase_adjustments",
        "schedule": crontab(minute=40, hour=9),
    },
    "referrals-end-measures-chaser": {
        "task": "referrals.tasks.chase_end_measures",
        "schedule": crontab(minute=50, hour=9),
    },
    "assessments-review-overdue": {"task": "assessments.tasks.alert_overdue_reviews", "schedule": crontab(minute=20)},
    "assessments-chase-candidates": {
        "task": "assessments.tasks.chase_candidates",
        "schedule": crontab(minute=0, hour=10),
    },
    "suppliers-suspend-lapsed": {
        "task": "suppliers.tasks.suspend_lapsed_suppliers",
        "schedule": crontab(minute=5, hour=0),
    },
    "suppliers-expire-call-offs": {
        "task": "suppliers.tasks.expire_ended_call_offs",
        "schedule": crontab(minute=10, hour=0),
    },
    # After the expiries: an agreement that replaces one ending tonight takes the referrals over last.
    "suppliers-start-signed-call-offs": {
        "task": "suppliers.tasks.start_signed_call_offs",
        "schedule": crontab(minute=15, hour=0),
    },
    "suppliers-value-used-alerts": {
        "task": "suppliers.tasks.send_value_used_alerts",
        "schedule": crontab(minute=20, hour=8),
    },
    "suppliers-expiry-warnings": {
        "task": "suppliers.tasks.send_expiry_warnings",
        "schedule": crontab(minute=0, hour=8),
    },
    "metrics-current-month": {"task": "metrics.tasks.rollup_current_month", "schedule": 600.0},
    "metrics-nightly-rollup": {"task": "metrics.tasks.rollup_kpis", "schedule": crontab(minute=30, hour=1)},
    "metrics-weekly-full-rollup": {
        "task": "metrics.tasks.rollup_kpis_full",
        "schedule": crontab(minute=0, hour=2, day_of_week="sunday"),
    },
    "metrics-board-report-sweep": {"task": "metrics.tasks.sweep_board_reports", "schedule": 120.0},
    "metrics-survey-chaser": {"task": "metrics.tasks.chase_surveys", "schedule": crontab(minute=55, hour=9)},
    # clinics and bookings: slots for the weeks ahead, then SMS reminders every 5 minutes
    "clinics-extend-slots": {"task": "clinics.tasks.extend_clinic_slots", "schedule": crontab(minute=40, hour=0)},
    "clinics-booking-reminders": {"task": "clinics.tasks.send_booking_reminders", "schedule": 300.0},
    "surveillance-recalls": {
        "task": "health_protection.surveillance.tasks.send_recalls",
        "schedule": crontab(minute=0, hour=7),
    },
    "surveillance-overdue-chaser": {
        "task": "health_protection.surveillance.tasks.chase_overdue",
        "schedule": crontab(minute=10, hour=7),
    },
    # Inoculation injuries: the hour for post-exposure prophylaxis is watched every 5 minutes; tests chased daily.
    "injuries-unassessed-alert": {
        "task": "health_protection.injuries.tasks.alert_unassessed_injuries",
        "schedule": 300.0,
    },
    "injuries-follow-up-chaser": {
        "task": "health_protection.injuries.tasks.chase_follow_up_tests",
        "schedule": crontab(minute=45, hour=8),
    },
    # Proactive support: ongoing absence keeps counting between the monthly ESR extracts.
    "proactive-refresh-suggestions": {
        "task": "commissioning.proactive.tasks.refresh_support_suggestions",
        "schedule": crontab(minute=30, hour=6),
    },
    "audit-retention-sweep": {"task": "audit.tasks.retention_sweep", "schedule": crontab(minute=0, hour=3)},
    "immunisation-recalls": {
        "task": "health_protection.immunisation.tasks.send_immunisation_recalls",
        "schedule": crontab(minute=45, hour=9),
    },
}
