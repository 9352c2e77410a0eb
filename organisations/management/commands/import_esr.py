from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.esr_import import import_staff_csv
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Import staff records from an ESR CSV export; imports nothing if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ods_code", help="ODS code of the organisation the staff work for")
        parser.add_argument("csv_path", type=Path)

    def handle(self, *args: object, ods_code: str, csv_path: Path, **options: object) -> None:
        try:
            organisation = Organisation.objects.get(ods_code=ods_code)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation has the ODS code {ods_code}.") from exc
        result = import_staff_csv(organisation=organisation, content=csv_path.read_bytes())
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"line {problem.line}, {problem.column}: {problem.message}")
            raise CommandError(f"Nothing imported: {len(result.problems)} problem(s) in {csv_path}.")
        self.stdout.write(f"Imported {result.created} new and updated {result.updated} staff records.")
