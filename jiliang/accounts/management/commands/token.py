from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiliang.accounts import services


class Command(BaseCommand):
    help = "Manage API tokens: `token create USERNAME [--name NAME]` prints a new bearer token."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        create = subcommands.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")

    def handle(self, *args, action, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        # The operator at the console acts on the user's behalf.
        _token, raw = services.token_create(actor=user, user=user, name=name)
        self.stdout.write(raw)
