"""Demo reminders: a metrology clerk who keeps the 计量室 instruments of 恒信, the enterprise's
reminder settings, and today's reminders in the inbox (the demo runs the daily job once).

It loads last (``apps.py``): the orders of the demo verify instruments, which moves their due
dates on, so the daily job runs on the ledgers as they end up, and the inbox lists as due or
overdue only what the ledger shows so. Its first run reminds every instrument already due or
overdue (the catch-up of ``reminders``); loading the demo again the same day adds nothing."""

from django.utils import timezone

from jiliang.instruments import demo as instruments_demo
from jiliang.notifications import reminders, services
from jiliang.notifications.models import DepartmentContact
from jiliang.orgs import demo as orgs_demo
from jiliang.orgs import services as orgs_services
from jiliang.orgs.models import Membership

# Custodian of instruments in the demo ledger (instruments.demo.HENGXIN), so reminders of the
# instruments in her keeping reach her by name.
CLERK = ("demo-metrology", "周敏")
CLERK_DEPARTMENT = "计量室"


def load(admin) -> None:
    hengxin = instruments_demo.demo_organisation("hengxin")
    username, full_name = CLERK
    clerk = orgs_demo.demo_user(admin, username, full_name)
    if not Membership.objects.filter(user=clerk, organisation=hengxin).exists():
        orgs_services.membership_add(actor=admin, organisation=hengxin, user=clerk, role="staff")
    if not DepartmentContact.objects.filter(organisation=hengxin, user=clerk).exists():
        services.department_contact_add(
            actor=admin, organisation=hengxin, department=CLERK_DEPARTMENT, user=clerk
        )
    reminders.run(timezone.localdate())  # idempotent: a second run the same day adds nothing
