import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from jiliang.orgs.enterprise_import import enterprise_import


class Command(BaseCommand):
    help = (
        "Import a list of enterprises (xlsx, xls, ods or CSV), all or nothing: "
        "`enterprises import FILE [--as USERNAME]` prints the problems as JSON and exits 1 when "
        "the file is rejected."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Import a spreadsheet (all or nothing).")
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--as",
            dest="username",
            help="A bureau's administrator or staff member, recorded as doing it (default: the "
            "first platform administrator).",
        )

    def handle(self, *args, action, file, username=None, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        actor = self._actor(username)
        try:
            created = enterprise_import(actor=actor, content=file.read_bytes(), filename=file.name)
        except PermissionDenied:
            raise CommandError(f"{actor} may not import enterprises.") from None
        except ValidationError as error:
            self.stdout.write(
                json.dumps(
                    {"file": file.name, "rejected": True, "errors": error.messages},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            raise CommandError("The file was rejected.", returncode=1) from None
        self.stdout.write(f"{len(created)} enterprises imported from {file}.")

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
