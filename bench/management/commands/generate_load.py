"""Generate a national-scale data set for benchmarks: `manage.py generate_load --cases 1000000`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.generator import LoadGenerator, Plan


class Command(BaseCommand):
    help = "Create realistic organisations, staff and cases across their life cycle, fast (COPY on PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="How many referrals to create")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data")
        parser.add_argument(
            "--workers", type=int, default=2, help="Processes writing cases, split by organisation (the same data)"
        )

    def handle(self, *args: Any, cases: int, seed: int, workers: int, **options: Any) -> None:
        if cases < 1:
            self.stderr.write("--cases must be at least 1.")
            raise SystemExit(2)
        plan = Plan.for_cases(cases, seed=seed)
        self.stdout.write(
            f"Generating {plan.cases:,} cases: {plan.ics} ICSs, {plan.trusts} trusts, "
            f"{plan.gp_practices} GP practices, {plan.oh_services} OH services, {plan.employees:,} staff, "
            f"{plan.assessments:,} pre-employment checks"
        )
        counts = LoadGenerator(plan, log=self.stdout.write, workers=max(1, workers)).run()
        figures = ", ".join(f"{name} {value:,}" for name, value in counts.items() if name != "seconds")
        self.stdout.write(self.style.SUCCESS(f"Done in {counts['seconds']} s: {figures}"))
