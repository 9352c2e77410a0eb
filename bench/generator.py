"""`manage.py generate_load`: a national-scale data set, written with COPY (PostgreSQL) in minutes.

Shape, for N cases over ten years (figures at N = 1,000,000):
- organisations: up to 42 ICSs, 210 trusts, as many GP practices, one in-house OH service per
  four client organisations, each serving its clients for every service line;
- staff: 0.7 per case (700,000), one portal account for one in ten of them; a manager per 40 staff,
  12 clinicians and 3 OH admins per OH service, a recruiter, a board member and a procurement lead
  per organisation and per ICS;
- cases across the whole life cycle, by age: old cases are closed (or withdrawn, returned), recent
  ones are in every open status; appointments (with DNAs and follow-ups), measures, outcome reports,
  consent decisions, adjustment follow-ups, satisfaction surveys and case events;
- pre-employment checks (a quarter as many as cases), and call-offs with a DPS of 40 suppliers;
- staff immunisation: a flu campaign last season and this one per client organisation, with a batch per OH
  service and season, outcomes for most staff (rising through the season), and immunisation records with their
  statuses for three in ten staff (1,050,000 statuses at N = 1,000,000).
Organisation sizes are skewed, as in the NHS: the largest trust has several times the median's cases.
Everything is tagged with ODS codes starting "LD" so it never collides with the demo data.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Choices, Model
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, AssessmentStatus, ClearanceOutcome
from clinics.models import Clinic, Slot
from clinics.rules import SLOT_HORIZON, runs_on
from health_protection.immunisation.models import (
    Antigen,
    AntigenState,
    AntigenStatus,
    Campaign,
    CampaignKind,
    ImmunisationRecord,
    Vaccination,
    VaccineBatch,
)
from health_protection.immunisation.products import first_product
from health_protection.injuries.models import (
    FOLLOW_UP_WEEKS,
    BbvStatus,
    BloodTestStatus,
    FollowUpTest,
    HepBImmunity,
    InjuryKind,
    InjuryStatus,
    InoculationInjury,
    PepAdvice,
    ReportedVia,
    Risk,
)
from health_protection.surveillance.models import (
    Basis,
    Enrolment,
    Invitation,
    Programme,
    ProgrammeKind,
    RecallPurpose,
    Recording,
    Result,
)
from health_protection.surveillance.models import Outcome as SurveillanceOutcome
from metrics.models import SatisfactionSurvey
from organisations.models import (
    AgeBand,
    Disability,
    Employee,
    EthnicGroup,
    Membership,
    Organisation,
    ServiceAssignment,
    Sex,
    StaffGroup,
)
from organisations.roles import OrganisationKind, Role, ServiceLine
from referrals.models import (
    MANAGER_QUESTIONS,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    CaseEvent,
    ClosureOutcome,
    ConsentChannel,
    ConsentChoice,
    ConsentDecision,
    EqualityActLikely,
    Fitness,
    Kind,
    Measures,
    MeasureStage,
    Modality,
    OutcomeReport,
    PractitionerType,
    Priority,
    ReasonCategory,
    Referral,
    Status,
)
from suppliers.models import (
    CallOff,
    CallOffStatus,
    DeliveryMode,
    Framework,
    Lot,
    LotCode,
    Region,
    RegionCode,
    ServiceLevel,
    ServiceLevelMetric,
    Supplier,
    SupplierStatus,
)

from .bulk import BulkWriter, IdBlock
from .indexes import indexes_set_aside

ODS_PREFIX = "LD"
FRAMEWORK_NAME = "Load test DPS"
YEARS = 10
CASES_PER_COMMIT = 10_000
FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Fatima",
    "George",
    "Hannah",
    "Imran",
    "Jess",
    "Kwame",
    "Laura",
    "Mo",
    "Nia",
    "Oliver",
    "Priya",
    "Raj",
    "Sara",
    "Tom",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Begum",
    "Chen",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Singh",
    "Taylor",
    "Williams",
]
JOB_ROLES = [
    "Staff nurse",
    "Healthcare assistant",
    "Porter",
    "Physiotherapist",
    "Administrator",
    "Consultant",
    "Midwife",
]
ADJUSTMENTS = [
    "Phased return over four weeks",
    "No night shifts for three months",
    "Reduced lifting",
    "Regular breaks",
    "Flexible start times",
]


@dataclass(frozen=True)
class Plan:
    cases: int
    ics: int
    trusts: int
    gp_practices: int
    oh_services: int
    employees: int
    assessments: int
    injuries: int = 0
    suppliers: int = 40
    seed: int = 2026

    @classmethod
    def for_cases(cls, cases: int, seed: int = 2026) -> Plan:
        trusts = max(2, min(210, cases // 4_800))
        return cls(
            cases=cases,
            ics=max(1, min(42, trusts // 5)),
            trusts=trusts,
            gp_practices=trusts,
            oh_services=max(1, (2 * trusts) // 4),
            employees=max(200, cases * 7 // 10),
            assessments=cases // 4,
            injuries=max(20, cases // 50),  # about one inoculation injury for every 50 referrals
            seed=seed,
        )


@dataclass
class Client:
    """A client organisation with the id ranges of its staff and managers (contiguous, so picking is O(1))."""

    org_id: int
    oh_service_id: int
    weight: float
    staff_first: int = 0
    staff_count: int = 0
    manager_ids: list[int] = field(default_factory=list)
    recruiter_id: int = 0
    procurement_id: int = 0


@dataclass
class Service:
    org_id: int
    clinician_ids: list[int] = field(default_factory=list)
    admin_ids: list[int] = field(default_factory=list)


def _plain(choices: type[Choices]) -> SimpleNamespace:
    """A choices class as plain strings, its members and `values`: in the hot loop of a million cases, an enum
    member's attribute access, the `values` list built on every read and str() of each member when the row is
    formatted cost a fifth of the time. The same strings are written."""
    return SimpleNamespace(values=list(choices.values), **{member.name: member.value for member in choices})


_Status, _Kind, _ServiceLine, _Priority = (_plain(c) for c in (Status, Kind, ServiceLine, Priority))
_ClosureOutcome, _AppointmentStatus, _MeasureStage = (
    _plain(c) for c in (ClosureOutcome, AppointmentStatus, MeasureStage)
)
_ConsentChoice, _ConsentChannel, _AdjustmentStatus = (
    _plain(c) for c in (ConsentChoice, ConsentChannel, AdjustmentStatus)
)
_ReasonCategory, _PractitionerType, _Modality = (_plain(c) for c in (ReasonCategory, PractitionerType, Modality))
_Fitness, _EqualityActLikely = _plain(Fitness), _plain(EqualityActLikely)
_MANAGER_QUESTIONS = list(MANAGER_QUESTIONS)
_CLOSURE_OUTCOMES = [
    _ClosureOutcome.RETURNED_FULL,
    _ClosureOutcome.RETURNED_ADJUSTED,
    _ClosureOutcome.PHASED_RETURN,
    _ClosureOutcome.REMAINED_IN_WORK,
    _ClosureOutcome.REDEPLOYED,
    _ClosureOutcome.ILL_HEALTH_RETIREMENT,
    _ClosureOutcome.LEFT_EMPLOYMENT,
    _ClosureOutcome.NOT_KNOWN,
]
_CLOSURE_WEIGHTS = [25, 20, 15, 20, 4, 3, 8, 5]


def _weekday(moment: datetime) -> datetime:
    """Move a weekend moment to the Monday after, 9:00 to 16:00."""
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment.replace(hour=9 + moment.hour % 8)


class LoadGenerator:
    def __init__(self, plan: Plan, log: Callable[[str], None] = print, workers: int = 2) -> None:
        self.plan = plan
        self.log = log
        self.workers = workers  # processes writing cases (PostgreSQL, outside a transaction)
        self.rng = random.Random(plan.seed)  # noqa: S311 - repeatable test data, not secrets
        self.now = timezone.now().replace(microsecond=0)
        self.clients: list[Client] = []
        self.services: dict[int, Service] = {}
        self.account_at: dict[tuple[int, int], int] = {}  # (organisation, staff offset) -> user
        self.employee_user: dict[int, int] = {}  # employee id -> user
        self.password = make_password(settings.DEMO_PASSWORD)
        self.counts: dict[str, int] = {}

    # ---- the whole run -------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        started = time.monotonic()
        steps = [
            ("organisations", transaction.atomic()(self.organisations)),
            ("users", transaction.atomic()(self.users)),
            ("staff", transaction.atomic()(self.staff)),
            # Cases commit in batches: one transaction of millions of rows would queue millions of
            # deferred foreign-key checks until its end.
            ("cases", self.cases),
            ("pre-employment checks", transaction.atomic()(self.assessments)),
            ("health surveillance", transaction.atomic()(self.surveillance)),
            ("inoculation injuries", transaction.atomic()(self.injuries)),
            ("suppliers and call-offs", transaction.atomic()(self.call_offs)),
            ("immunisation", transaction.atomic()(self.immunisation)),
            ("clinics and slots", transaction.atomic()(self.clinics)),
        ]
        tables = [model._meta.db_table for model in BULK_LOADED]
        with indexes_set_aside(tables, log=self.log):
            for label, step in steps:
                began = time.monotonic()
                step()
                self.log(f"  {label}: {time.monotonic() - began:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM as autovacuum would on a live system: index-only scans need the visibility map.
                # (Not possible inside a transaction, e.g. in a test: statistics only, then.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.counts["seconds"] = round(time.monotonic() - started)
        return self.counts

    # ---- organisations -------------------------------------------------------------------------
    def organisations(self) -> None:
        plan, rng = self.plan, self.rng
        run = Organisation.objects.filter(ods_code__startswith=ODS_PREFIX, ods_code__endswith="I00").count()
        self.tag = tag = f"{ODS_PREFIX}{run:02d}"  # a second run adds a second, separate national data set
        systems = Organisation.objects.bulk_create(
            Organisation(name=f"Load ICS {i + 1}", ods_code=f"{tag}I{i:02d}", kind=OrganisationKind.ICS)
            for i in range(plan.ics)
        )
        services = Organisation.objects.bulk_create(
            Organisation(
                name=f"Load OH service {i + 1}",
                ods_code=f"{tag}O{i:03d}",
                kind=OrganisationKind.OH_SERVICE,
                in_house=True,
            )
            for i in range(plan.oh_services)
        )
        clients = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Load Trust {i + 1}",
                    ods_code=f"{tag}T{i:03d}",
                    kind=OrganisationKind.TRUST,
                    ics=systems[i % len(systems)],
                )
                for i in range(plan.trusts)
            ]
            + [
                Organisation(
                    name=f"Load GP practice {i + 1}",
                    ods_code=f"{tag}G{i:03d}",
                    kind=OrganisationKind.GP_PRACTICE,
                    ics=systems[i % len(systems)],
                )
                for i in range(plan.gp_practices)
            ]
        )
        assignments = []
        for index, client in enumerate(clients):
            service = services[index % len(services)]
            is_trust = client.kind == OrganisationKind.TRUST
            # Trust sizes follow a long tail (Pareto); a GP practice is a tenth of a small trust.
            weight = (rng.paretovariate(2.0) * 10) if is_trust else rng.uniform(0.5, 1.5)
            self.clients.append(Client(org_id=client.pk, oh_service_id=service.pk, weight=weight))
            assignments += [
                ServiceAssignment(oh_service=service, client=client, service_line=line) for line in ServiceLine.values
            ]
        ServiceAssignment.objects.bulk_create(assignments)
        self.services = {s.pk: Service(org_id=s.pk) for s in services}
        self.systems = systems
        self.counts["organisations"] = len(systems) + len(services) + len(clients)

    # ---- users and memberships -----------------------------------------------------------------
    def users(self) -> None:
        total_weight = sum(c.weight for c in self.clients)
        for client in self.clients:
            client.staff_count = max(5, round(self.plan.employees * client.weight / total_weight))
        user_ids, membership_ids = IdBlock(User), IdBlock(Membership)
        users = BulkWriter(
            User,
            ["id", "password", "username", "first_name", "last_name", "email", "is_superuser", "is_staff"]
            + ["is_active", "date_joined", "active_membership"],
        )
        memberships = BulkWriter(Membership, ["id", "user", "organisation", "role"])

        def add(role: str, org_id: int) -> int:
            uid, mid = user_ids.take(), membership_ids.take()
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            username = f"load{uid}"
            users.add(
                (uid, self.password, username, first, last, f"{username}@load.nhs.uk")
                + (False, False, True, self.now, None)
            )
            memberships.add((mid, uid, org_id, role))
            self.pending_active.append((uid, mid))
            return uid

        self.pending_active: list[tuple[int, int]] = []
        for client in self.clients:
            client.manager_ids = [add(Role.MANAGER, client.org_id) for _ in range(max(1, client.staff_count // 40))]
            client.recruiter_id = add(Role.RECRUITER, client.org_id)
            client.procurement_id = add(Role.PROCUREMENT, client.org_id)
            add(Role.BOARD, client.org_id)
        for system in self.systems:
            add(Role.BOARD, system.pk)
        for service in self.services.values():
            service.clinician_ids = [add(Role.CLINICIAN, service.org_id) for _ in range(12)]
            service.admin_ids = [add(Role.OH_ADMIN, service.org_id) for _ in range(3)]
        # One member of staff in ten has a portal account (employee role), in their own organisation.
        for client in self.clients:
            for offset in range(0, client.staff_count, 10):
                self.account_at[(client.org_id, offset)] = add(Role.EMPLOYEE, client.org_id)
        users.close()
        memberships.close()
        self._set_active_memberships()
        user_ids.sync()
        membership_ids.sync()
        self.counts["users"] = users.written

    def _set_active_memberships(self) -> None:
        first_user = self.pending_active[0][0]
        with connection.cursor() as cursor:
            # A join, not a correlated subquery: the new rows have no planner statistics yet.
            cursor.execute(
                "UPDATE accounts_user u SET active_membership_id = m.first_id FROM (SELECT user_id, "
                "MIN(id) AS first_id FROM organisations_membership WHERE user_id >= %s GROUP BY user_id) m "
                "WHERE u.id = m.user_id",
                [first_user],
            )

    # ---- staff ---------------------------------------------------------------------------------
    def staff(self) -> None:
        rng = self.rng
        ids = IdBlock(Employee)
        writer = BulkWriter(
            Employee,
            ["id", "organisation", "esr_number", "first_name", "last_name", "date_of_birth", "staff_group"]
            + ["job_role", "email", "phone", "line_manager", "user", "sex", "ethnic_group", "disability", "age_band"],
        )
        groups, sexes = StaffGroup.values, Sex.values
        ethnic, disability, bands = EthnicGroup.values, Disability.values, AgeBand.values
        for client in self.clients:
            client.staff_first = ids.next_id
            for offset in range(client.staff_count):
                pk = ids.take()
                user = self.account_at.get((client.org_id, offset))
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                writer.add(
                    (
                        pk,
                        client.org_id,
                        f"{pk % 100_000_000:08d}",
                        first,
                        last,
                        date(1960, 1, 1) + timedelta(days=rng.randrange(16_000)),
                        rng.choice(groups),
                        rng.choice(JOB_ROLES),
                        f"{first}.{last}{pk}@load.nhs.uk".lower(),
                        "",
                        client.manager_ids[offset % len(client.manager_ids)],
                        user,
                        rng.choice(sexes),
                        rng.choice(ethnic),
                        rng.choice(disability),
                        rng.choice(bands),
                    )
                )
                if user:
                    self.employee_user[pk] = user
        writer.close()
        ids.sync()
        self.counts["employees"] = writer.written

    # ---- cases ---------------------------------------------------------------------------------
    def cases(self) -> None:
        """Each client organisation's cases from a random stream and id ranges of its own, so the organisations can be
        split across processes (each with its own database connection) and give the same rows however they are
        split. The ids of a client's rows start where the previous client's could end at most; the gaps are harmless."""
        counts = [0] * len(self.clients)
        for index in self.rng.choices(
            range(len(self.clients)), weights=[c.weight for c in self.clients], k=self.plan.cases
        ):
            counts[index] += 1
        firsts = {name: block.next_id for name, block in CaseWriters.id_blocks().items()}
        starts: list[dict[str, int]] = []
        for count in counts:
            starts.append(dict(firsts))
            for name, most in ROWS_PER_CASE_AT_MOST.items():
                firsts[name] += most * count
        work = [(index, count, starts[index]) for index, count in enumerate(counts) if count]
        shares = _shares(work, self.workers)
        if len(shares) > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
            global _FORKED  # noqa: PLW0603 - how the forked workers find this generator
            _FORKED = self
            connection.close()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(len(shares)) as pool:
                written = pool.map(_forked_cases, shares)
            _FORKED = None
        else:
            written = [self._cases_of(share) for share in shares]
        for table in CaseWriters.TABLES:
            self.counts[table] = sum(part[table] for part in written)
        for block in CaseWriters.id_blocks().values():
            block.sync()

    def _cases_of(self, share: list[tuple[int, int, dict[str, int]]]) -> dict[str, int]:
        w = CaseWriters()
        since_commit = 0
        for index, count, starts in share:
            client = self.clients[index]
            w.start_at(starts)
            rng = random.Random(f"{self.plan.seed}-cases-{index}")  # noqa: S311 - repeatable test data
            span = timedelta(days=365 * YEARS).total_seconds()
            for number in range(count):
                # Growth over the decade: more referrals in recent years (density rises with time). A service always
                # has a queue awaiting triage, which the decade's spread alone leaves empty in a small plan: one case
                # in fifty (a client's first among them) arrived in the last day.
                share_of_span = rng.random()
                age = span * (1 - share_of_span**0.7) if number % 50 else share_of_span * 86_400
                submitted = self.now - timedelta(seconds=age)
                self._case(w, rng, client, min(_weekday(submitted), self.now))
                since_commit += 1
                if since_commit >= CASES_PER_COMMIT:
                    w.flush()
                    since_commit = 0
        return w.close()

    def _case(self, w: CaseWriters, rng: random.Random, client: Client, submitted: datetime) -> None:
        now = self.now
        service = self.services[client.oh_service_id]
        pk = w.referral_ids.take()
        offset = rng.randrange(client.staff_count)
        employee_id = client.staff_first + offset
        employee_user = self.employee_user.get(employee_id)
        is_self = rng.random() < 0.15 and employee_user is not None
        manager = None if is_self else client.manager_ids[offset % len(client.manager_ids)]
        clinician = rng.choice(service.clinician_ids)
        admin = rng.choice(service.admin_ids)
        absent = rng.random() < 0.45

        # The life cycle as timestamps; the case has reached every stage whose time has come.
        accepted = _weekday(submitted + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5])))
        first_appt = _weekday(accepted + timedelta(days=rng.randint(3, 21)))
        dna_first = rng.random() < 0.06
        seen = _weekday(first_appt + timedelta(days=rng.randint(7, 14))) if dna_first else first_appt
        sent = _weekday(seen + timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 5])))
        decided = sent + timedelta(days=rng.randint(0, 5))
        closed = decided + timedelta(days=rng.randint(10, 70))
        side_exit = rng.random()
        withheld = rng.random() < 0.05

        status, events = _Status.SUBMITTED, [(submitted, _Status.DRAFT, _Status.SUBMITTED, manager or employee_user)]
        if side_exit < 0.03 and accepted <= now:
            status, closed_at = _Status.RETURNED_TO_MANAGER, None
            events.append((accepted, _Status.SUBMITTED, _Status.RETURNED_TO_MANAGER, admin))
            stage = 0
        elif side_exit < 0.07 and accepted <= now:
            status, closed_at = _Status.WITHDRAWN, None
            events.append((accepted, _Status.SUBMITTED, _Status.WITHDRAWN, manager or employee_user))
            stage = 0
        else:
            stage = sum(1 for moment in (accepted, first_appt, seen, sent, decided, closed) if moment <= now)
            closed_at = closed if stage == 6 else None
        transitions = [
            (accepted, _Status.SUBMITTED, _Status.TRIAGED, admin),
            (accepted + timedelta(hours=2), _Status.TRIAGED, _Status.APPOINTMENT_BOOKED, admin),
            (seen, _Status.APPOINTMENT_BOOKED, _Status.ASSESSED, clinician),
            (sent, _Status.REPORT_DRAFTED, _Status.AWAITING_CONSENT, clinician),
            (decided, _Status.AWAITING_CONSENT, _Status.WITHHELD if withheld else _Status.RELEASED, employee_user),
            (closed, _Status.WITHHELD if withheld else _Status.RELEASED, _Status.CLOSED, clinician),
        ]
        if status == _Status.SUBMITTED:
            reached = {0: 0, 1: 2, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}[stage]
            events += transitions[:reached]
            status = events[-1][2] if stage else _Status.SUBMITTED
            if stage == 3 and rng.random() < 0.5:
                status = _Status.REPORT_DRAFTED

        outcome = ""
        if status == _Status.CLOSED:
            outcome = rng.choices(_CLOSURE_OUTCOMES, weights=_CLOSURE_WEIGHTS)[0]
        w.referrals.add(
            (
                pk,
                _Kind.SELF if is_self else _Kind.MANAGEMENT,
                client.org_id,
                employee_id,
                manager,
                client.oh_service_id,
                _ServiceLine.GENERAL_OH,
                rng.choice(_ReasonCategory.values),
                absent,
                (submitted - timedelta(days=rng.randint(3, 60))).date() if absent else None,
                [] if is_self else rng.sample(_MANAGER_QUESTIONS, 3),
                "",
                "Ward based, twelve hour shifts" if not is_self else "",
                False,
                not is_self,
                "I would like some help with my back." if is_self else "",
                status,
                (_Priority.URGENT if rng.random() < 0.1 else _Priority.ROUTINE) if stage else "",
                rng.choice(_PractitionerType.values) if stage else "",
                "Please add the employee's consent" if status == _Status.RETURNED_TO_MANAGER else "",
                1 if dna_first and stage >= 2 else 0,
                outcome,
                submitted - timedelta(minutes=rng.randint(5, 600)),
                submitted,
                accepted if stage >= 1 else None,
                closed_at,
            )
        )
        for at, before, after, by in events:
            w.events.add((w.event_ids.take(), pk, at, by, before, after, ""))
        if stage >= 1:
            self._appointments(w, rng, pk, clinician, admin, accepted, first_appt, seen, dna_first, stage)
        if stage >= 3:
            self._clinical(w, rng, pk, clinician, employee_user, seen, sent, decided, closed, stage, withheld, status)

    def _appointments(
        self,
        w: CaseWriters,
        rng: random.Random,
        pk: int,
        clinician: int,
        admin: int,
        booked: datetime,
        first: datetime,
        seen: datetime,
        dna_first: bool,
        stage: int,
    ) -> None:
        plan = [(first, _AppointmentStatus.DNA if dna_first else _AppointmentStatus.ATTENDED, False)]
        if dna_first:
            plan.append((seen, _AppointmentStatus.ATTENDED, False))
        if stage >= 5 and rng.random() < 0.2:
            plan.append((_weekday(seen + timedelta(days=28)), _AppointmentStatus.ATTENDED, True))
        for start, state, follow_up in plan:
            done = start <= self.now
            w.appointments.add(
                (
                    w.appointment_ids.take(),
                    pk,
                    clinician,
                    start,
                    45,
                    rng.choice(_Modality.values),
                    "Room 2, Occupational Health",
                    follow_up,
                    state if done else _AppointmentStatus.BOOKED,
                    admin,
                    booked,
                    start + timedelta(hours=1) if done else None,
                )
            )

    def _clinical(
        self,
        w: CaseWriters,
        rng: random.Random,
        pk: int,
        clinician: int,
        employee_user: int | None,
        seen: datetime,
        sent: datetime,
        decided: datetime,
        closed: datetime,
        stage: int,
        withheld: bool,
        status: str,
    ) -> None:
        intake = rng.randint(2, 8)
        w.measures.add((w.measure_ids.take(), pk, _MeasureStage.INTAKE, intake, rng.randint(2, 8), clinician, seen))
        if status == _Status.CLOSED and rng.random() < 0.8:
            gain = max(0, min(10, intake + rng.randint(-2, 4)))
            w.measures.add(
                (w.measure_ids.take(), pk, _MeasureStage.CLOSURE, gain, rng.randint(3, 9), clinician, closed)
            )
        if status == _Status.ASSESSED:
            return
        report_id = w.report_ids.take()
        adjustments = rng.sample(ADJUSTMENTS, rng.choice([0, 0, 1, 1, 2]))
        released = stage >= 5 and not withheld
        w.reports.add(
            (
                report_id,
                pk,
                1,  # one version per generated case
                clinician,
                rng.choice(_Fitness.values),
                adjustments,
                None,
                {"fit_for_role": "Yes, with the adjustments below."},
                rng.choice(_EqualityActLikely.values),
                "Review in six weeks",
                "",
                False,
                "",
                seen,
                sent,
                sent if stage >= 4 else None,
                decided if released else None,
                decided if stage >= 5 and withheld else None,
            )
        )
        if stage < 5:
            return
        choice = _ConsentChoice.WITHHOLD if withheld else _ConsentChoice.RELEASE_NOW
        channel = _ConsentChannel.PORTAL if employee_user else _ConsentChannel.RECORDED_BY_CLINICIAN
        w.consents.add((w.consent_ids.take(), report_id, choice, channel, employee_user or clinician, decided, ""))
        for adjustment in adjustments if released else []:
            in_place = rng.random() < 0.8
            answered = decided + timedelta(days=rng.randint(3, 40))
            state = _AdjustmentStatus.IN_PLACE if in_place else _AdjustmentStatus.NOT_POSSIBLE
            answered_ok = answered <= self.now
            w.follow_ups.add(
                (
                    w.follow_up_ids.take(),
                    report_id,
                    adjustment,
                    state if answered_ok else _AdjustmentStatus.PENDING,
                    "",
                    answered if answered_ok else None,
                    None,
                )
            )
        if status == _Status.CLOSED and rng.random() < 0.6:
            responded = rng.random() < 0.55
            token = hashlib.sha256(f"load-survey-{pk}-{self.plan.seed}".encode()).hexdigest()
            score = rng.choices([1, 2, 3, 4, 5], weights=[2, 3, 8, 35, 52])[0] if responded else None
            w.surveys.add(
                (
                    w.survey_ids.take(),
                    pk,
                    token,
                    closed,
                    min(closed + timedelta(days=rng.randint(0, 10)), self.now) if responded else None,
                    score,
                    "",
                )
            )

    # ---- pre-employment checks -----------------------------------------------------------------
    def assessments(self) -> None:
        rng, now = self.rng, self.now
        ids = IdBlock(Assessment)
        writer = BulkWriter(
            Assessment,
            ["id", "organisation", "oh_service", "recruiter", "candidate_name", "candidate_email", "job_role"]
            + ["exposure_prone", "start_date", "status", "created_at", "questionnaire_completed_at", "cleared_at"]
            + ["outcome", "adjustments", "reviewed_by"],
        )
        span = timedelta(days=365 * YEARS).total_seconds()
        chosen = rng.choices(self.clients, weights=[c.weight for c in self.clients], k=self.plan.assessments)
        for client in chosen:
            pk = ids.take()
            created = min(_weekday(now - timedelta(seconds=span * (1 - rng.random() ** 0.7))), now)
            completed = created + timedelta(days=rng.randint(1, 10))
            cleared = _weekday(completed + timedelta(days=rng.choice([0, 1, 1, 2, 3, 4])))
            status = AssessmentStatus.AWAITING_QUESTIONNAIRE
            if cleared <= now:
                status = AssessmentStatus.CLEARED
            elif completed <= now:
                status = AssessmentStatus.AWAITING_REVIEW
            reviewer = rng.choice(self.services[client.oh_service_id].clinician_ids)
            writer.add(
                (
                    pk,
                    client.org_id,
                    client.oh_service_id,
                    client.recruiter_id,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"candidate{pk}@example.org",
                    rng.choice(JOB_ROLES),
                    rng.random() < 0.2,
                    (created + timedelta(days=40)).date(),
                    status,
                    created,
                    completed if completed <= now else None,
                    cleared if status == AssessmentStatus.CLEARED else None,
                    rng.choice(ClearanceOutcome.values) if status == AssessmentStatus.CLEARED else "",
                    "",
                    reviewer if status == AssessmentStatus.CLEARED else None,
                )
            )
        writer.close()
        ids.sync()
        self.counts["assessments"] = writer.written

    # ---- health surveillance -------------------------------------------------------------------
    def surveillance(self) -> None:
        """Two programmes per client (noise, skin), run by its OH service; about 8% of its staff enrolled over
        two years, each checked about yearly (a tenth of checks missed, so some are overdue), a recall link
        answered before each check."""
        rng, now = self.rng, self.now
        today = now.date()
        programmes: list[tuple[int, Client]] = []
        for client in self.clients:
            service = self.services[client.oh_service_id]
            for kind, recording in (
                (ProgrammeKind.NOISE, Recording.CATEGORY),
                (ProgrammeKind.SKIN, Recording.QUESTIONNAIRE),
            ):
                made = Programme.objects.create(
                    oh_service_id=client.oh_service_id,
                    organisation_id=client.org_id,
                    kind=kind,
                    name=str(ProgrammeKind(kind).label),
                    recording=recording,
                    interval_months=12,
                    created_by_id=service.admin_ids[0],
                )
                programmes.append((made.pk, client))
        enrolment_ids, result_ids, invitation_ids = IdBlock(Enrolment), IdBlock(Result), IdBlock(Invitation)
        enrolments = BulkWriter(
            Enrolment,
            ["id", "programme", "employee", "basis", "enrolled_at", "enrolled_by", "first_due_on", "due_on"]
            + ["last_checked_on", "last_outcome", "end_reason"],
        )
        results = BulkWriter(
            Result,
            ["id", "enrolment", "performed_on", "recorded_by", "recorded_at", "values", "category", "findings"]
            + ["outcome", "restrictions", "next_due_on", "invitation"],
        )
        invitations = BulkWriter(
            Invitation,
            ["id", "enrolment", "purpose", "for_due_on", "round", "token_hash", "created_at", "expires_at"]
            + ["used_at", "answers", "submitted_at"],
        )
        categories = {ProgrammeKind.NOISE: "Category 1: acceptable hearing", ProgrammeKind.SKIN: "Healthy skin"}
        outcomes = SurveillanceOutcome.values
        for index, (programme_id, client) in enumerate(programmes):
            service = self.services[client.oh_service_id]
            category = categories[ProgrammeKind.NOISE if index % 2 == 0 else ProgrammeKind.SKIN]
            for offset in range(client.staff_count):
                if rng.random() >= 0.04:
                    continue
                pk = enrolment_ids.take()
                enrolled = _weekday(now - timedelta(days=rng.randint(0, 730)))
                first_due = (enrolled + timedelta(days=28)).date()
                due, checked, outcome = first_due, None, ""
                while due <= today and rng.random() < 0.9:
                    performed = due + timedelta(days=rng.randint(-20, 30))
                    if performed > today:
                        break
                    invited = _weekday(datetime.combine(due - timedelta(days=28), datetime.min.time(), now.tzinfo))
                    invitation = invitation_ids.take()
                    answered = min(invited + timedelta(days=rng.randint(1, 7)), now)
                    invitations.add(
                        (
                            invitation,
                            pk,
                            RecallPurpose.RECALL,
                            due,
                            0,
                            hashlib.sha256(f"load-recall-{invitation}".encode()).hexdigest(),
                            invited,
                            invited + timedelta(days=28),
                            answered,
                            {"symptoms": "no", "health_change": "no"},
                            answered,
                        )
                    )
                    outcome = rng.choices(outcomes, weights=[80, 10, 8, 2])[0]
                    recorded = min(_weekday(datetime.combine(performed, datetime.min.time(), now.tzinfo)), now)
                    results.add(
                        (
                            result_ids.take(),
                            pk,
                            performed,
                            rng.choice(service.clinician_ids),
                            recorded,
                            {},
                            category,
                            "",
                            outcome,
                            "Avoid the exposure until reviewed" if outcome == "fit_with_restrictions" else "",
                            performed + timedelta(days=365),
                            invitation,
                        )
                    )
                    checked, due = performed, performed + timedelta(days=365)
                enrolments.add(
                    (
                        pk,
                        programme_id,
                        client.staff_first + offset,
                        Basis.NAMED,
                        enrolled,
                        rng.choice(service.admin_ids),
                        first_due,
                        due,
                        checked,
                        outcome,
                        "",
                    )
                )
        for writer in (enrolments, invitations, results):
            writer.close()
        for block in (enrolment_ids, invitation_ids, result_ids):
            block.sync()
        self.counts["surveillance enrolments"] = enrolments.written
        self.counts["surveillance results"] = results.written

    # ---- inoculation injuries -------------------------------------------------------------------
    def injuries(self) -> None:
        """Sharps, splash and bite injuries over the decade, most assessed the same day; the recent ones are
        mid-pathway (waiting for assessment, tests to book or booked), the older ones closed."""
        rng, now = self.rng, self.now
        ids, test_ids = IdBlock(InoculationInjury), IdBlock(FollowUpTest)
        writer = BulkWriter(
            InoculationInjury,
            ["id", "organisation", "oh_service", "employee", "reported_by", "reported_via", "status", "kind"]
            + ["occurred_at", "reported_at", "location", "how_it_happened", "first_aid_given", "source_known"]
            + ["riddor_reportable", "source_details", "assessed_at", "assessed_by", "risk", "hep_b_immunity"]
            + ["hep_b_booster_given", "pep_advice", "pep_advised_at", "assessment_notes", "source_requested_at"]
            + ["source_requested_from", "source_recorded_at", "source_hbv", "source_hcv", "source_hiv"]
            + ["closed_at", "closed_by"],
        )
        tests = BulkWriter(
            FollowUpTest,
            ["id", "injury", "week", "due_on", "status", "booked_for", "booked_by", "hbv_result", "hcv_result"]
            + ["hiv_result", "result_notes", "results_recorded_at", "results_recorded_by"],
        )
        span = timedelta(days=365 * YEARS).total_seconds()
        chosen = rng.choices(self.clients, weights=[c.weight for c in self.clients], k=self.plan.injuries)
        kinds = rng.choices(InjuryKind.values, weights=[75, 18, 7], k=len(chosen))
        for number, (client, kind) in enumerate(zip(chosen, kinds, strict=True)):
            service = self.services[client.oh_service_id]
            pk = ids.take()
            employee_id = client.staff_first + rng.randrange(client.staff_count)
            employee_user = self.employee_user.get(employee_id)
            admin, clinician = rng.choice(service.admin_ids), rng.choice(service.clinician_ids)
            # One in fifty in the last few hours: a service always has one waiting for its risk assessment.
            age = span * (1 - rng.random() ** 0.7) if number % 50 else rng.uniform(600, 4 * 3600)
            occurred = now - timedelta(seconds=age)
            reported = min(occurred + timedelta(minutes=rng.choice([10, 20, 40, 90])), now)
            assessed = reported + timedelta(minutes=rng.choice([20, 35, 45, 60, 90, 180, 60 * 20]))
            significant = rng.random() < 0.7
            status, closed = InjuryStatus.REPORTED, None
            if assessed <= now:
                status = InjuryStatus.FOLLOW_UP if significant else InjuryStatus.CLOSED
                closed = assessed if not significant else None
                if significant and reported + timedelta(weeks=25) <= now:
                    status, closed = InjuryStatus.CLOSED, reported + timedelta(weeks=25)
            done = status != InjuryStatus.REPORTED
            known = rng.random() < 0.8
            pep = (PepAdvice.STARTED if rng.random() < 0.3 else PepAdvice.NOT_INDICATED) if significant else ""
            writer.add(
                (
                    pk,
                    client.org_id,
                    client.oh_service_id,
                    employee_id,
                    employee_user or admin,
                    ReportedVia.SELF if employee_user else ReportedVia.OH,
                    status,
                    kind,
                    occurred,
                    reported,
                    "Ward 7 treatment room",
                    "Needle slipped while resheathing" if kind == InjuryKind.SHARPS else "Splash during a procedure",
                    True,
                    known,
                    (significant and rng.random() < 0.1) if done else None,
                    "Hospital number on file" if known else "",
                    assessed if done else None,
                    clinician if done else None,
                    ((Risk.HIGH if rng.random() < 0.25 else Risk.LOW) if significant else Risk.NOT_SIGNIFICANT)
                    if done
                    else "",
                    HepBImmunity.IMMUNE if done else "",
                    False,
                    (pep or PepAdvice.NOT_INDICATED) if done else "",
                    assessed if done and pep == PepAdvice.STARTED else None,
                    "",
                    reported + timedelta(hours=2) if done and known else None,
                    "The source patient's consultant" if done and known else "",
                    reported + timedelta(days=2) if done and known and reported + timedelta(days=2) <= now else None,
                    *(
                        [str(BbvStatus.NEGATIVE)] * 3
                        if done and known and reported + timedelta(days=2) <= now
                        else [""] * 3
                    ),
                    closed,
                    clinician if closed else None,
                )
            )
            if not (done and significant):
                continue
            injured_on = timezone.localdate(occurred)
            for week in FOLLOW_UP_WEEKS:
                due = injured_on + timedelta(weeks=week)
                slot = datetime.combine(due, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(hours=10)
                resulted = slot + timedelta(days=3) <= now
                state = BloodTestStatus.TO_BOOK
                if resulted:
                    state = BloodTestStatus.DONE
                elif slot - timedelta(days=10) <= now:
                    state = BloodTestStatus.BOOKED
                if status == InjuryStatus.CLOSED and state != BloodTestStatus.DONE:
                    state = BloodTestStatus.NOT_NEEDED
                booked = state in (BloodTestStatus.BOOKED, BloodTestStatus.DONE)
                tests.add(
                    (
                        test_ids.take(),
                        pk,
                        week,
                        due,
                        state,
                        slot if booked else None,
                        admin if booked else None,
                        *([str(BbvStatus.NEGATIVE)] * 3 if resulted else [""] * 3),
                        "",
                        slot + timedelta(days=3) if resulted else None,
                        clinician if resulted else None,
                    )
                )
        writer.close()
        tests.close()
        ids.sync()
        test_ids.sync()
        self.counts["injuries"] = writer.written
        self.counts["injury_tests"] = tests.written

    # ---- the DPS and call-offs (a few hundred rows: the ORM is fast enough) --------------------
    def call_offs(self) -> None:
        rng, today = self.rng, self.now.date()
        operator = Organisation.objects.create(
            name="Load framework operator",
            ods_code=f"{self.tag}F",
            kind=OrganisationKind.FRAMEWORK_OPERATOR,
        )
        framework = Framework.objects.create(name=FRAMEWORK_NAME, operator=operator)
        lots = Lot.objects.bulk_create(Lot(framework=framework, code=code) for code in LotCode.values)
        regions = [Region.objects.get_or_create(code=code)[0] for code in RegionCode.values]
        supplier_orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Load supplier {i + 1}", ods_code=f"{self.tag}S{i:02d}", kind="supplier")
            for i in range(self.plan.suppliers)
        )
        suppliers = Supplier.objects.bulk_create(
            Supplier(
                organisation=org,
                framework=framework,
                legal_name=f"{org.name} Ltd",
                seqohs_number=f"SEQ{org.pk:05d}",
                accreditation_expires=today + timedelta(days=rng.randint(-30, 700)),
                status=SupplierStatus.ADMITTED,
                delivery_modes=" ".join(rng.sample(DeliveryMode.values, 2)),
            )
            for org in supplier_orgs
        )
        for supplier in suppliers:
            supplier.lots.set(rng.sample(lots, 3))
            supplier.regions.set(rng.sample(regions, 2))
        call_offs = CallOff.objects.bulk_create(
            CallOff(
                client_id=client.org_id,
                supplier=rng.choice(suppliers),
                start_date=today - timedelta(days=rng.randint(30, 600)),
                end_date=today + timedelta(days=rng.randint(30, 700)),
                estimated_value=Decimal(rng.randint(20, 400) * 1000),
                status=CallOffStatus.ACTIVE,
                client_signatory_id=client.procurement_id,
                client_signed_by_id=client.procurement_id,
                client_signed_at=self.now - timedelta(days=40),
                created_by_id=client.procurement_id,
            )
            for client in self.clients
            if rng.random() < 0.5
        )
        through = CallOff.lots.through
        through.objects.bulk_create(through(calloff_id=c.pk, lot_id=rng.choice(lots).pk) for c in call_offs)
        ServiceLevel.objects.bulk_create(
            ServiceLevel(call_off=c, metric=ServiceLevelMetric.APPOINTMENT_WITHIN, working_days=10) for c in call_offs
        )
        self.counts["call_offs"] = len(call_offs)

    # ---- staff immunisation and flu campaigns (health_protection/immunisation) ------------------------------------
    def immunisation(self) -> None:
        rng, now, today = self.rng, self.now, self.now.date()
        flu = first_product(CampaignKind.FLU)
        this_season = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        seasons = [date(this_season.year - 1, 9, 1), this_season]
        batches = {
            (service_id, season): VaccineBatch(
                oh_service_id=service_id,
                product=flu,
                batch_number=f"{self.tag}{service_id}{season.year % 100}",
                expires_on=date(season.year + 1, 6, 30),
                added_by_id=service.clinician_ids[0],
            )
            for service_id, service in self.services.items()
            for season in seasons
        }
        VaccineBatch.objects.bulk_create(batches.values())
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                organisation_id=client.org_id,
                oh_service_id=client.oh_service_id,
                kind=CampaignKind.FLU,
                starts_on=season,
                ends_on=date(season.year + 1, 2, 28),
                created_by_id=self.services[client.oh_service_id].clinician_ids[0],
            )
            for client in self.clients
            for season in seasons
        )
        by_client = {(c.organisation_id, c.starts_on): c for c in campaigns}
        ids, writer = (
            IdBlock(Vaccination),
            BulkWriter(
                Vaccination,
                ["id", "campaign", "employee", "outcome", "consent_given", "decline_reason", "elsewhere", "given_on"]
                + ["batch", "site", "clinic", "recorded_by", "recorded_at"],
            ),
        )
        for client in self.clients:
            clinicians = self.services[client.oh_service_id].clinician_ids
            for season in seasons:
                campaign, batch = by_client[(client.org_id, season)], batches[(client.oh_service_id, season)]
                length = (min(campaign.ends_on, today) - season).days
                for employee_id in range(client.staff_first, client.staff_first + client.staff_count):
                    draw = rng.random()
                    if length < 0 or draw >= 0.8:
                        continue
                    # Most in the first weeks of the season: an exponential approach, four weeks' time constant.
                    day = min(int(rng.expovariate(1 / 28)), length)
                    given = season + timedelta(days=day)
                    outcome = "declined" if draw >= 0.7 else "vaccinated_elsewhere" if draw >= 0.64 else "vaccinated"
                    recorded = datetime.combine(given, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(hours=11)
                    writer.add(
                        (
                            ids.take(),
                            campaign.pk,
                            employee_id,
                            outcome,
                            outcome == "vaccinated",
                            "does_not_want" if outcome == "declined" else "",
                            "gp" if outcome == "vaccinated_elsewhere" else "",
                            given,
                            batch.pk if outcome == "vaccinated" else None,
                            "left_arm" if outcome == "vaccinated" else "",
                            None,
                            rng.choice(clinicians),
                            min(recorded, now),
                        )
                    )
        writer.close()
        ids.sync()
        self.counts["vaccinations"] = writer.written
        self._immunisation_records()

    # ---- clinics and slots ------------------------------------------------------------------------
    def clinics(self) -> None:
        """A clinic for each clinician of each OH service (five session patterns, so a service offers every
        practitioner type and way of being seen), with its slots from five months back to the horizon ahead:
        about 6,000 slots a service, 650,000 at N = 1,000,000. No bank holidays, as generate_slots makes them."""
        tz = timezone.get_default_timezone()
        today = timezone.localdate()
        first = today - timedelta(days=today.weekday(), weeks=CLINIC_WEEKS_BACK)
        days = [first + timedelta(days=n) for n in range((today + SLOT_HORIZON - first).days + 1)]
        clinic_ids, slot_ids = IdBlock(Clinic), IdBlock(Slot)
        clinics = BulkWriter(
            Clinic,
            ["id", "oh_service", "name", "clinician", "practitioner_type", "modality", "location", "weekdays"]
            + ["start_time", "end_time", "slot_minutes", "starts_on", "ends_on", "created_by", "created_at"],
            auto_flush=False,
        )
        slots = BulkWriter(Slot, ["id", "clinic", "clinician", "start", "end"])
        for service in self.services.values():
            for index, clinician in enumerate(service.clinician_ids):
                weekdays, opens, closes, minutes, kind, modality = CLINIC_PATTERNS[index % len(CLINIC_PATTERNS)]
                pk = clinic_ids.take()
                where = "Occupational Health, room 2" if modality == "face_to_face" else "The clinician calls you"
                clinics.add(
                    (pk, service.org_id, f"Clinic {index + 1}", clinician, kind, modality, where, weekdays)
                    + (time_of(opens), time_of(closes), minutes, first, None, service.admin_ids[0], self.now)
                )
                step = timedelta(minutes=minutes)
                for day in days:
                    if not runs_on(weekdays, day):
                        continue
                    start = datetime.combine(day, time_of(opens), tzinfo=tz)
                    close = datetime.combine(day, time_of(closes), tzinfo=tz)
                    while start + step <= close:
                        slots.add((slot_ids.take(), pk, clinician, start, start + step))
                        start += step
            clinics.flush()  # each service's clinics before the slots that name them
        clinics.close()
        slots.close()
        clinic_ids.sync()
        slot_ids.sync()
        self.counts["clinics"] = clinics.written
        self.counts["slots"] = slots.written

    def _immunisation_records(self) -> None:
        """Records for three in ten staff, each with its five statuses: most complete, some courses under way or due."""
        rng, today = self.rng, self.now.date()
        record_ids, status_ids = IdBlock(ImmunisationRecord), IdBlock(AntigenStatus)
        records = BulkWriter(ImmunisationRecord, ["id", "employee", "oh_service", "maternity_role", "created_at"])
        statuses = BulkWriter(
            AntigenStatus, ["id", "record", "antigen", "state", "next_step", "next_due_on", "source", "updated_at"]
        )
        records.auto_flush = statuses.auto_flush = False
        for client in self.clients:
            for employee_id in range(client.staff_first, client.staff_first + client.staff_count):
                if rng.random() >= 0.3:
                    continue
                pk = record_ids.take()
                records.add(
                    (pk, employee_id, client.oh_service_id, False, self.now - timedelta(days=rng.randrange(3650)))
                )
                for antigen in Antigen.values:
                    state, step, due = AntigenState.COMPLETE, "", None
                    if antigen == Antigen.PERTUSSIS:
                        state = AntigenState.NOT_REQUIRED
                    elif antigen == Antigen.HEPATITIS_B and rng.random() < 0.15:
                        state, step = AntigenState.UNDER_WAY, "Dose 3 of 3"
                        due = today + timedelta(days=rng.randint(-60, 150))
                    statuses.add((status_ids.take(), pk, antigen, state, step, due, "", self.now))
            if len(statuses.rows) > 50_000:
                records.flush()
                statuses.flush()
        records.close()
        statuses.close()
        record_ids.sync()
        status_ids.sync()
        self.counts["immunisation_records"] = records.written


# The clinic sessions an OH service's clinicians hold: (weekdays, start hour, end hour, slot minutes, type, modality).
CLINIC_PATTERNS = [
    ([0, 2, 4], 9, 12, 30, "oh_physician", "face_to_face"),
    ([1, 3], 13, 17, 45, "oh_nurse", "face_to_face"),
    ([0, 1, 2, 3, 4], 9, 13, 30, "oh_nurse", "telephone"),
    ([1, 4], 9, 12, 60, "physiotherapist", "video"),
    ([2], 13, 16, 60, "mental_health_practitioner", "video"),
]
CLINIC_WEEKS_BACK = 22  # five months of past slots, as the capacity page shows, beside the weeks ahead


class CaseWriters:
    """One writer and one id block per table a case touches."""

    TABLES = ["referrals", "events", "appointments", "measures", "reports", "consents", "follow_ups", "surveys"]
    MODELS: dict[str, type[Model]] = {
        "referrals": Referral,
        "events": CaseEvent,
        "appointments": Appointment,
        "measures": Measures,
        "reports": OutcomeReport,
        "consents": ConsentDecision,
        "follow_ups": AdjustmentFollowUp,
        "surveys": SatisfactionSurvey,
    }

    @classmethod
    def id_blocks(cls) -> dict[str, IdBlock]:
        return {name: IdBlock(model) for name, model in cls.MODELS.items()}

    def start_at(self, firsts: dict[str, int]) -> None:
        """The next ids to hand out for each table (a client's own range: see LoadGenerator.cases)."""
        for name, block in self.ids.items():
            block.next_id = firsts[name]

    def __init__(self) -> None:
        self.ids = {name: IdBlock(model, first=0) for name, model in self.MODELS.items()}
        self.referral_ids, self.event_ids = self.ids["referrals"], self.ids["events"]
        self.appointment_ids, self.measure_ids = self.ids["appointments"], self.ids["measures"]
        self.report_ids, self.consent_ids = self.ids["reports"], self.ids["consents"]
        self.follow_up_ids, self.survey_ids = self.ids["follow_ups"], self.ids["surveys"]
        # Written together by flush(), parents before children, one transaction per batch of cases.
        self.referrals = BulkWriter(
            Referral,
            ["id", "kind", "organisation", "employee", "referred_by", "oh_service", "service_line"]
            + ["reason_category", "absent_at_referral", "absent_since", "manager_questions", "other_questions"]
            + ["work_details", "urgent_requested", "employee_agreed", "description", "status", "priority"]
            + ["practitioner_type", "returned_reason", "dna_count", "closure_outcome", "created_at"]
            + ["submitted_at", "accepted_at", "closed_at"],
        )
        self.events = BulkWriter(CaseEvent, ["id", "referral", "at", "by", "from_status", "to_status", "note"])
        self.appointments = BulkWriter(
            Appointment,
            ["id", "referral", "clinician", "start", "length_minutes", "modality", "location", "is_follow_up"]
            + ["status", "booked_by", "booked_at", "attendance_recorded_at"],
        )
        self.measures = BulkWriter(
            Measures, ["id", "referral", "stage", "work_ability", "wellbeing", "recorded_by", "recorded_at"]
        )
        self.reports = BulkWriter(
            OutcomeReport,
            ["id", "referral", "version", "author", "fitness", "adjustments", "likely_return_date", "answers"]
            + ["equality_act", "follow_up_plan", "diagnosis", "diagnosis_consented", "corrections_requested"]
            + ["created_at", "updated_at", "sent_for_consent_at", "released_at", "withheld_at"],
        )
        self.consents = BulkWriter(
            ConsentDecision, ["id", "report", "choice", "channel", "decided_by", "decided_at", "comment"]
        )
        self.follow_ups = BulkWriter(
            AdjustmentFollowUp, ["id", "report", "adjustment", "status", "reason", "answered_at", "answered_by"]
        )
        self.surveys = BulkWriter(
            SatisfactionSurvey, ["id", "referral", "token_hash", "sent_at", "answered_at", "score", "comment"]
        )

        for name in self.TABLES:
            getattr(self, name).auto_flush = False

    def flush(self) -> None:
        with transaction.atomic():
            for name in self.TABLES:
                getattr(self, name).flush()

    def close(self) -> dict[str, int]:
        """Writes the rest and says how many rows of each table were written (the caller syncs the sequences)."""
        self.flush()
        return {name: getattr(self, name).written for name in self.TABLES}


# The most rows of each table one case can have (LoadGenerator._case): a client's id ranges are sized by them.
ROWS_PER_CASE_AT_MOST = {
    "referrals": 1,
    "events": 7,  # submitted and six steps to closed
    "appointments": 3,  # a missed first one, the one attended, a follow-up
    "measures": 2,
    "reports": 1,
    "consents": 1,
    "follow_ups": 2,  # one per adjustment, at most two
    "surveys": 1,
}
_FORKED: LoadGenerator | None = None  # the generator a forked worker works for (inherited, not pickled)


def _forked_cases(share: list[tuple[int, int, dict[str, int]]]) -> dict[str, int]:
    assert _FORKED is not None
    try:
        return _FORKED._cases_of(share)
    finally:
        connection.close()


def _shares(work: list[tuple[int, int, dict[str, int]]], workers: int) -> list[list[tuple[int, int, dict[str, int]]]]:
    """Clients dealt to `workers` processes, largest first to the least loaded, so each writes about as many cases."""
    shares: list[list[tuple[int, int, dict[str, int]]]] = [[] for _ in range(max(1, workers))]
    loads = [0] * len(shares)
    for item in sorted(work, key=lambda item: -item[1]):
        least = loads.index(min(loads))
        shares[least].append(item)
        loads[least] += item[1]
    return [share for share in shares if share]


# The tables written with COPY: their secondary indexes and foreign keys are set aside meanwhile (bench/indexes.py).
BULK_LOADED: list[type[Model]] = [
    User,
    Membership,
    Employee,
    *CaseWriters.MODELS.values(),
    Assessment,
    Enrolment,
    Result,
    Invitation,
    InoculationInjury,
    FollowUpTest,
    Vaccination,
    ImmunisationRecord,
    AntigenStatus,
    Clinic,
    Slot,
]
