from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from jiliang.accounts.services import user_create
from jiliang.core.demos import registry
from jiliang.orgs import demo as orgs_demo

ADMIN_USERNAME = "demo-admin"


class Command(BaseCommand):
    help = "Load the demo data (idempotent): organisations, users, roles and ledgers."

    @transaction.atomic
    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            admin = user_create(
                actor=None,
                username=ADMIN_USERNAME,
                email=f"{ADMIN_USERNAME}@example.com",
                password=orgs_demo.DEMO_PASSWORD,
                check_password_strength=False,
                first_name="平台管理员",
                is_staff=True,
                is_superuser=True,
            )
        orgs_demo.load(admin)
        # Each app's part, registered from its AppConfig.ready() (jiliang.core.demos).
        for loader in registry.loaders():
            loader.load(admin)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: sign in as {ADMIN_USERNAME} or "
                + ", ".join(demo_usernames())
                + f" with the password {orgs_demo.DEMO_PASSWORD}."
            )
        )


def demo_usernames() -> list[str]:
    """The demo users besides the administrator: the orgs demo's first, then those the apps'
    demos added, in the order they were created."""
    others = (
        get_user_model()
        .objects.filter(username__startswith="demo-")
        .exclude(username=ADMIN_USERNAME)
        .order_by("pk")
        .values_list("username", flat=True)
    )
    return list(dict.fromkeys([username for username, *_ in orgs_demo.USERS] + list(others)))
