"""The region tree follows reporting lines, and regulators see exactly their subtree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from jiliang.accounts.services import user_create
from jiliang.core.scoping import managed_region_condition, scope_for
from jiliang.orgs import services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Organisation, Region

pytestmark = pytest.mark.django_db

PROVINCE_ADMINISTERED = {
    "410181",
    "410225",
    "410482",
    "410526",
    "410783",
    "411381",
    "411481",
    "411525",
    "411628",
    "411729",
}


def regulator_of(region_code, admin, serial):
    region = Region.objects.get(code=region_code)
    bureau = services.organisation_create(
        actor=admin,
        kind="regulator",
        name=f"{region.name}市场监督管理局",
        uscc=demo_uscc("11", region_code, serial),
        region=region,
    )
    user = user_create(actor=admin, username=f"reg-{region_code}", email="")
    services.membership_add(actor=admin, organisation=bureau, user=user, role="viewer")
    return user


@pytest.fixture
def admin():
    return user_create(actor=None, username="root", email="", is_staff=True)


@pytest.fixture
def enterprises(admin):
    """One enterprise in each of the 28 regions of the Henan notice."""
    province = Region.objects.get(code="410000")
    return [
        services.organisation_create(
            actor=admin,
            kind="enterprise",
            name=f"{region.name}企业",
            region=region,
            uscc=demo_uscc("91", region.code, serial),
            size_class="small",
            industry="C",
        )
        for serial, region in enumerate(province.children.all(), 1)
    ]


def test_the_reference_tree_has_the_28_regions_under_the_province():
    province = Region.objects.get(code="410000")
    assert province.parent.code == "000000"
    assert province.children.count() == 28
    direct = set(province.children.filter(level="direct_county").values_list("code", flat=True))
    assert direct == PROVINCE_ADMINISTERED


def test_a_province_administered_county_is_not_below_the_city_sharing_its_prefix():
    gongyi = Region.objects.get(code="410181")
    zhengzhou = Region.objects.get(code="410100")
    assert gongyi.parent.code == "410000"
    assert gongyi not in Region.objects.subtree_of(zhengzhou)


def test_city_regulator_sees_its_subtree_but_not_the_county_the_province_runs(admin, enterprises):
    city_user = regulator_of("410100", admin, 1)
    visible = set(Organisation.objects.visible_to(city_user).values_list("region__code", flat=True))
    assert "410100" in visible
    assert "410181" not in visible  # 巩义市
    assert "410200" not in visible
    regions = set(Region.objects.visible_to(city_user).values_list("code", flat=True))
    # 郑州市 and its 11 districts and counties (巩义市, 4101 by code, reports to the province).
    assert regions == {"410100", *(f"4101{n:02d}" for n in (2, 3, 4, 5, 6, 8, 22, 82, 83, 84, 85))}


def test_province_regulator_sees_all_28_regions(admin, enterprises):
    province_user = regulator_of("410000", admin, 2)
    enterprise_regions = (
        Organisation.objects.visible_to(province_user)
        .filter(kind="enterprise")
        .values_list("region__code", flat=True)
    )
    assert len(set(enterprise_regions)) == 28


def test_anonymous_and_inactive_users_see_nothing(admin, enterprises):
    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    city_user = regulator_of("410100", admin, 3)
    city_user.is_active = False
    assert not Organisation.objects.visible_to(city_user).exists()


def test_visible_to_costs_two_queries_for_the_scope_and_one_for_rows(
    admin, enterprises, django_assert_num_queries
):
    city_user = regulator_of("410100", admin, 4)
    with django_assert_num_queries(3):  # memberships, regulated regions, rows
        list(Organisation.objects.visible_to(city_user))
    with django_assert_num_queries(1):  # the scope is cached on the user
        list(Region.objects.visible_to(city_user))


def test_a_bureaus_viewer_regulates_its_subtree_but_manages_it_only_as_admin_or_staff(admin):
    viewer = regulator_of("410100", admin, 4)
    bureau = Organisation.objects.get(region__code="410100", kind="regulator")
    staff = user_create(actor=admin, username="reg-staff", email="")
    services.membership_add(actor=admin, organisation=bureau, user=staff, role="staff")
    viewer_scope, staff_scope = scope_for(viewer), scope_for(staff)
    assert viewer_scope.regulated_paths == staff_scope.regulated_paths == (bureau.region.path,)
    assert viewer_scope.managed_paths == ()
    assert staff_scope.managed_paths == (bureau.region.path,)
    jinshui = Region.objects.filter(code="410105")
    assert not jinshui.filter(managed_region_condition(viewer_scope, "")).exists()
    assert jinshui.filter(managed_region_condition(staff_scope, "")).exists()
