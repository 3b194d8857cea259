from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from jiliang.accounts.services import user_create
from jiliang.campaigns import demo as campaigns_demo
from jiliang.instruments import demo as instruments_demo
from jiliang.notifications import demo as notifications_demo
from jiliang.orders import demo as orders_demo
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
        instruments_demo.load(admin)
        notifications_demo.load(admin)
        orders_demo.load(admin)
        campaigns_demo.load(admin)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: sign in as {ADMIN_USERNAME} or "
                + ", ".join(
                    dict.fromkeys(
                        [username for username, *_ in orgs_demo.USERS]
                        + list(campaigns_demo.REPORTERS)
                    )
                )
                + f" with the password {orgs_demo.DEMO_PASSWORD}."
            )
        )
