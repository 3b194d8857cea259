import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from jiliang.instruments import services
from jiliang.instruments.exporting import export_ledger
from jiliang.instruments.importing import plan_import
from jiliang.instruments.models import Instrument
from jiliang.orgs.models import Organisation
from jiliang.orgs.validators import normalise_uscc


class Command(BaseCommand):
    help = (
        "Import or export an organisation's ledger: `ledger import --org USCC FILE [--sheet NAME] "
        "[--dry-run]` prints a JSON report and exits 1 when the file is rejected; "
        "`ledger export --org USCC FILE` writes the ledger as xlsx."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Import a spreadsheet (all or nothing).")
        importing.add_argument("file", type=Path)
        importing.add_argument("--sheet", help="The sheet to read (default: the ledger-like one).")
        importing.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        exporting = actions.add_parser("export", help="Write the ledger as xlsx.")
        exporting.add_argument("file", type=Path)
        for subparser in (importing, exporting):
            subparser.add_argument("--org", required=True, help="The unified social credit code.")
            subparser.add_argument(
                "--as",
                dest="username",
                help="Who is recorded as doing it (default: the first platform administrator).",
            )

    def handle(self, *args, action, org, file, username=None, **options):
        organisation = Organisation.objects.filter(uscc=normalise_uscc(org)).first()
        if organisation is None:
            raise CommandError(f"No organisation has the unified social credit code {org}.")
        actor = self._actor(username)
        if action == "export":
            return self._export(organisation, actor, file)
        return self._import(organisation, actor, file, options["sheet"], options["dry_run"])

    def _actor(self, username):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_staff=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"No active account {username!r}."
                if username
                else "Create a platform administrator first, or name an account with --as."
            )
        return user

    def _import(self, organisation, actor, file, sheet, dry_run):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            plan = plan_import(
                organisation=organisation,
                content=file.read_bytes(),
                filename=file.name,
                sheet=sheet,
                lazily=not dry_run,  # rows planned while the database writes the ones before
            )
            result = services.ledger_import_apply(
                actor=actor, organisation=organisation, plan=plan, dry_run=dry_run
            )
        except (Http404, PermissionDenied):
            raise CommandError(f"{actor} may not change the ledger of {organisation}.") from None
        except ValidationError as error:
            self.stdout.write(
                json.dumps(
                    {"file": file.name, "rejected": True, "errors": error.messages},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            raise CommandError("The file was rejected.", returncode=1) from None
        self.stdout.write(
            json.dumps(
                {**plan.report(), "status": result.status},
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        if result.status == result.Status.REJECTED:
            raise CommandError(
                f"The file was rejected: {len(plan.problems)} problems.", returncode=1
            )

    def _export(self, organisation, actor, file):
        instruments = (
            Instrument.objects.visible_to(actor)
            .filter(organisation=organisation)
            .select_related("catalogue_item")
            .order_by("management_number")
        )
        file.write_bytes(
            export_ledger(
                instruments, title=f"{organisation.name}计量器具台账", today=timezone.localdate()
            )
        )
        self.stdout.write(f"{instruments.count()} instruments written to {file}.")
