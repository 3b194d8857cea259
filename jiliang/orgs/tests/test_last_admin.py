"""An organisation keeps at least one administrator, also when its administrators step down at
once: the changes of one organisation's memberships are serialised, and the rule is checked
against the memberships as they are after the lock, not as the caller last read them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404

from jiliang.accounts.services import user_create
from jiliang.core.testing.threads import in_threads
from jiliang.orgs import services
from jiliang.orgs.models import Membership

pytestmark = pytest.mark.usefixtures("english")  # messages below are matched in English

ADMINS = 4
ATTEMPTS = 5


def admins_of(organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role="admin").count()


def step_down(way: str, actor, membership) -> None:
    if way == "demote":
        services.membership_change_role(actor=actor, membership=membership, role="staff")
    else:
        services.membership_remove(actor=actor, membership=membership)


@pytest.mark.parametrize("way", ["demote", "remove"])
def test_a_membership_read_before_it_became_the_last_admin_cannot_be_stepped_down(world, way):
    """The rule reads the membership's role from the database, not from the caller's copy."""
    platform_admin = world.users["platform_admin"]
    admin = Membership.objects.get(user=world.users["same_enterprise"])
    viewer = Membership.objects.get(user=world.users["same_enterprise_viewer"])
    read_earlier = Membership.objects.get(pk=viewer.pk)  # a page's copy: a viewer
    services.membership_change_role(actor=platform_admin, membership=viewer, role="admin")
    services.membership_change_role(actor=platform_admin, membership=admin, role="staff")
    with pytest.raises(ValidationError, match="must keep at least one administrator"):
        step_down(way, platform_admin, read_earlier)
    assert admins_of(world.enterprise) == 1
    assert Membership.objects.get(pk=viewer.pk).role == "admin"


def test_a_membership_removed_meanwhile_is_not_found(world):
    platform_admin = world.users["platform_admin"]
    viewer = Membership.objects.get(user=world.users["same_enterprise_viewer"])
    read_earlier = Membership.objects.get(pk=viewer.pk)
    services.membership_remove(actor=platform_admin, membership=viewer)
    with pytest.raises(Http404):
        services.membership_change_role(actor=platform_admin, membership=read_earlier, role="staff")
    with pytest.raises(Http404):
        services.membership_remove(actor=platform_admin, membership=read_earlier)


def _admins(world, attempt: int) -> list:
    """ADMINS administrators of the enterprise, the matrix world's own among them."""
    admins = [world.users["same_enterprise"]]
    for n in range(ADMINS - 1):
        user = user_create(
            actor=world.users["platform_admin"],
            username=f"admin-{attempt}-{n}",
            email=f"admin-{attempt}-{n}@example.com",
            password="an-Admin-Password-77",
        )
        services.membership_add(
            actor=world.users["platform_admin"],
            organisation=world.enterprise,
            user=user,
            role="admin",
        )
        admins.append(user)
    return admins


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("way", ["demote", "remove"])
def test_admins_stepping_down_at_once_leave_one_on_a_real_database(shared_world, way):
    world = shared_world
    for attempt in range(ATTEMPTS):
        admins = _admins(world, attempt)
        # Each admin's request: their own user and their membership as the page read it.
        requests = [
            (
                get_user_model().objects.get(pk=user.pk),
                Membership.objects.get(organisation=world.enterprise, user=user),
            )
            for user in admins
        ]

        def work(requests=requests):
            actor, membership = requests.pop()
            step_down(way, actor, membership)

        errors = in_threads(ADMINS, work)
        assert admins_of(world.enterprise) == 1, f"attempt {attempt}: {errors}"
        assert len(errors) == 1, f"attempt {attempt}: {errors}"
        # The last is told (in the site language) that the organisation needs an administrator.
        assert errors[0].startswith("ValidationError: "), errors
        assert str(world.enterprise) in errors[0], errors
        # The one left makes the next round's first admin; the others leave or are viewers.
        world.users["same_enterprise"] = Membership.objects.get(
            organisation=world.enterprise, role="admin"
        ).user
