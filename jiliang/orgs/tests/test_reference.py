"""The national tree of reference regions: its contents, its reporting lines, the loader that
keeps stored regions, and the centres with the distance search."""

import csv
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.orgs import services
from jiliang.orgs.models import Point, Region, haversine_km
from jiliang.orgs.reference import (
    QUOTA_TABLE,
    REGION_TABLE,
    REPORTING_EXCEPTIONS,
    Loaded,
    load_reference_regions,
    reference_regions,
)
from jiliang.orgs.selectors import regions_near

pytestmark = pytest.mark.django_db

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


@pytest.fixture
def admin():
    return user_create(actor=None, username="root", email="", is_staff=True)


def test_the_tree_holds_the_nation_s_divisions():
    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels["nation"] == 1
    assert levels["province"] == 34  # 31, and 台湾省, 香港 and 澳门 at province level
    assert levels["city"] == 333
    assert levels["county"] + levels["direct_county"] + levels["zone"] == 2847
    assert Region.objects.filter(parent=None).get().code == "000000"


def test_every_path_is_its_parent_s_path_and_its_code():
    for region in Region.objects.select_related("parent"):
        prefix = region.parent.path if region.parent else "/"
        assert region.path == f"{prefix}{region.code}/", region.code


def test_henan_has_its_cities_the_zone_and_the_counties_the_province_runs():
    henan = Region.objects.get(code="410000")
    children = Counter(henan.children.values_list("level", flat=True))
    assert children == {"city": 17, "zone": 1, "direct_county": 10}
    assert Region.objects.subtree_of(henan).count() == 1 + 17 + 157
    jiyuan = Region.objects.get(code="419001")
    assert (jiyuan.name, jiyuan.level, jiyuan.parent) == ("济源示范区", "zone", henan)
    # The 28 regions of the quota table are exactly the province's children.
    with QUOTA_TABLE.open(encoding="utf-8") as rows:
        quota_codes = {row["region_code"] for row in csv.DictReader(rows)}
    assert set(henan.children.values_list("code", flat=True)) == quota_codes


@pytest.mark.parametrize(
    ("code", "reports_to", "level"),
    [
        ("410102", "410100", "county"),  # a district under its city
        ("410181", "410000", "direct_county"),  # 巩义市: an exception, under the province
        ("410782", "410700", "county"),  # 辉县市 stays under 新乡市
        ("410100", "410000", "city"),
        ("110105", "110000", "county"),  # a municipality's district under the municipality
        ("500157", "500000", "county"),  # 两江新区 (2025)
        ("429004", "420000", "direct_county"),  # 仙桃市: 省直辖县级行政区划
        ("469002", "460000", "direct_county"),  # 琼海市
        ("659001", "650000", "direct_county"),  # 石河子市
        ("441900", "440000", "city"),  # 东莞市: a prefecture without counties
        ("810000", "000000", "province"),
    ],
)
def test_each_region_reports_where_the_list_or_an_exception_says(code, reports_to, level):
    region = Region.objects.select_related("parent").get(code=code)
    assert (region.parent.code, region.level) == (reports_to, level)


def test_the_reference_table_and_its_exceptions_agree():
    regions = reference_regions()
    assert len(regions) == 1 + 34 + 333 + 2847
    seen = set()
    for region in regions:  # each after the region it reports to
        assert not region.reports_to or region.reports_to in seen, region.code
        seen.add(region.code)
    with REPORTING_EXCEPTIONS.open(encoding="utf-8") as rows:
        exceptions = list(csv.DictReader(rows))
    with QUOTA_TABLE.open(encoding="utf-8") as rows:
        quota_regions = {row["region_code"]: row["region_kind"] for row in csv.DictReader(rows)}
    # The quota table's 省直管县(市) and 示范区 report to the province; its cities do by code.
    assert {row["code"] for row in exceptions} == {
        code for code, kind in quota_regions.items() if kind != "省辖市"
    }
    assert {row["reports_to_code"] for row in exceptions} == {"410000"}
    assert all(row["source"] for row in exceptions)


def test_centres_are_in_china_and_almost_every_region_has_one():
    centres = Region.objects.exclude(longitude=None).values_list("longitude", "latitude")
    assert len(centres) >= 3150
    for longitude, latitude in centres:
        assert 73 <= longitude <= 136
        assert 3 <= latitude <= 54
    assert Region.objects.get(code="410000").centre == Point(113.753394, 34.765869)


def test_loading_again_changes_nothing_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert load_reference_regions(Region) == Loaded(created=0, updated=0)


def test_loading_keeps_ids_moves_and_regions_the_list_lacks(admin):
    zhengzhou = Region.objects.get(code="410100")
    changyuan = Region.objects.get(code="410783")
    xinxiang = Region.objects.get(code="410700")
    ids = dict(Region.objects.values_list("code", "pk"))
    Region.objects.filter(pk=zhengzhou.pk).update(name="郑州", longitude=None, latitude=None)
    services.region_update(actor=admin, region=changyuan, data={"parent": xinxiang})
    extra = services.region_create(
        actor=admin, code="410199", name="郑州航空港区", level="zone", parent=zhengzhou
    )

    assert load_reference_regions(Region) == Loaded(created=0, updated=1)
    zhengzhou.refresh_from_db()
    assert (zhengzhou.name, zhengzhou.centre) == ("郑州市", Point(113.625328, 34.746611))
    changyuan.refresh_from_db()
    assert changyuan.parent == xinxiang  # an administrator's move stays
    assert changyuan.path == "/000000/410000/410700/410783/"
    assert Region.objects.filter(pk=extra.pk).exists()
    assert dict(Region.objects.exclude(pk=extra.pk).values_list("code", "pk")) == ids


def write_table(path, rows):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerows(rows)
    return path


@pytest.fixture
def small_table(tmp_path):
    header = ["code", "name", "level", "parent_code", "longitude", "latitude", "centre_note"]
    table = write_table(
        tmp_path / "regions.csv",
        [
            header,
            ["000000", "全国", "nation", "", "", "", ""],
            ["990000", "测试省", "province", "000000", "100.0", "30.0", ""],
            ["990100", "测试市", "city", "990000", "100.5", "30.0", ""],
            ["990101", "测试区", "county", "990100", "100.6", "30.1", ""],
            ["990102", "测试县", "county", "990100", "", "", ""],
        ],
    )
    exceptions = write_table(
        tmp_path / "exceptions.csv",
        [
            ["code", "name", "reports_to_code", "level", "source"],
            ["990102", "测试直管县", "990000", "direct_county", "a test"],
        ],
    )
    return table, exceptions


def test_new_regions_go_under_the_region_they_report_to_one_depth_a_query(
    small_table, django_assert_num_queries
):
    table, exceptions = small_table
    with django_assert_num_queries(4):  # what is stored, then the three depths below 全国
        loaded = load_reference_regions(Region, table=table, exceptions=exceptions)
    assert loaded == Loaded(created=4, updated=0)
    county = Region.objects.get(code="990102")
    assert (county.name, county.level, county.parent.code) == (
        "测试直管县",
        "direct_county",
        "990000",
    )
    assert county.path == "/000000/990000/990102/"
    assert county.centre is None
    assert Region.objects.get(code="990101").path == "/000000/990000/990100/990101/"
    assert load_reference_regions(Region, table=table, exceptions=exceptions) == Loaded(0, 0)


def test_an_exception_must_name_known_regions(tmp_path, small_table):
    table, _exceptions = small_table
    header = ["code", "name", "reports_to_code", "level", "source"]
    unknown_code = write_table(tmp_path / "a.csv", [header, ["990199", "", "990000", "", "x"]])
    with pytest.raises(ValueError, match="990199"):
        reference_regions(table, unknown_code)
    unknown_parent = write_table(tmp_path / "b.csv", [header, ["990101", "", "880000", "", "x"]])
    with pytest.raises(ValueError, match="990101"):
        reference_regions(table, unknown_parent)
    circle = write_table(tmp_path / "c.csv", [header, ["990100", "", "990101", "", "x"]])
    with pytest.raises(ValueError, match="circle"):
        reference_regions(table, circle)
    assert not Region.objects.filter(code__startswith="99").exists()


def test_the_fixture_files_are_read_by_the_default_paths():
    assert REGION_TABLE.name == "regions.csv"
    assert reference_regions() is reference_regions()  # read once


# Centres and distances -----------------------------------------------------------------------


def test_haversine_distances():
    beijing, shanghai = Point(116.407394, 39.904211), Point(121.473701, 31.230416)
    assert haversine_km(beijing, shanghai) == pytest.approx(1067, abs=3)
    assert haversine_km(beijing, beijing) == 0
    # A degree of latitude is some 111.2 km; the antipode is half the circumference.
    assert haversine_km(Point(0, 0), Point(0, 1)) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(Point(0, 0), Point(180, 0)) == pytest.approx(20015.1, abs=0.1)


def test_distance_between_regions_and_to_a_point():
    zhengzhou = Region.objects.get(code="410100")
    luoyang = Region.objects.get(code="410300")
    assert zhengzhou.distance_km(luoyang) == pytest.approx(108, abs=1)
    assert luoyang.distance_km(zhengzhou) == zhengzhou.distance_km(luoyang)
    assert zhengzhou.distance_km((113.625328, 34.746611)) == 0
    assert Region.objects.get(code="000000").distance_km(zhengzhou) is None


def test_regions_near_a_region_nearest_first():
    gongyi = Region.objects.get(code="410181")
    near = regions_near(gongyi, 35)
    assert near[0] == (gongyi, 0)
    # 偃师区 (Luoyang) 21 km, 温县 (Jiaozuo) 22 km, 上街区 27 km, 孟州市 28 km, 登封市 33 km,
    # 荥阳市 33 km; 沁阳市 38 km and 郑州市's centre 60 km are farther.
    codes = [region.code for region, _distance in near]
    assert codes == ["410181", "410307", "410825", "410106", "410883", "410185", "410182"]
    assert all(region.distance_km(gongyi) == distance for region, distance in near)


def test_regions_near_match_a_full_scan():
    point = (113.0, 34.0)
    scan = {
        region.code
        for region in Region.objects.exclude(longitude=None)
        if region.distance_km(point) <= 150
    }
    near = regions_near(point, 150)
    assert {region.code for region, _distance in near} == scan
    assert len(scan) > 40


def test_regions_near_by_level_and_for_a_user(admin):
    counties = regions_near((113.625328, 34.746611), 60, levels=["county", "direct_county"])
    assert counties
    assert all(region.level in {"county", "direct_county"} for region, _ in counties)
    someone = user_create(actor=None, username="someone", email="")
    assert regions_near((113.6, 34.7), 60, user=someone) == []  # sees no region
    assert len(regions_near((113.6, 34.7), 60, user=admin)) == len(regions_near((113.6, 34.7), 60))


def test_regions_near_nothing_without_a_centre():
    assert regions_near(Region.objects.get(code="000000"), 1000) == []
    assert regions_near((113.6, 34.7), -1) == []


def test_a_box_around_a_pole_or_across_the_antimeridian_keeps_every_longitude():
    nation = Region.objects.get(code="000000")

    def region(code, longitude, latitude):
        return Region.objects.create(
            code=code,
            name=code,
            level="zone",
            parent=nation,
            path=f"/000000/{code}/",
            longitude=longitude,
            latitude=latitude,
        )

    north = region("990001", -170.0, 89.5)
    east = region("990002", -179.9, 0.0)
    # Over the pole: 0.5° + 1° of latitude; across the antimeridian: 0.2° of longitude.
    assert regions_near((10.0, 89.0), 200) == [(north, pytest.approx(166.8, abs=0.1))]
    assert regions_near((179.9, 0.0), 30) == [(east, pytest.approx(22.2, abs=0.1))]


# Administrators give a region its centre ------------------------------------------------------


def test_only_platform_admins_locate_a_region(admin):
    someone = user_create(actor=None, username="someone", email="")
    region = Region.objects.get(code="460302")  # 西沙区: no centre in the list
    with pytest.raises(PermissionDenied):
        services.region_locate(actor=someone, region=region, longitude=112.3, latitude=16.8)
    services.region_locate(actor=admin, region=region, longitude=112.3, latitude=16.8)
    region.refresh_from_db()
    assert region.centre == Point(112.3, 16.8)
    assert AuditEvent.objects.filter(
        action="orgs.region.located", object_id=str(region.pk)
    ).exists()


@pytest.mark.parametrize(
    ("longitude", "latitude"), [(112.3, None), (None, 16.8), (181.0, 16.8), (112.3, -91.0)]
)
def test_a_centre_is_whole_and_on_the_earth(admin, longitude, latitude):
    region = Region.objects.get(code="460302")
    with pytest.raises(ValidationError):
        services.region_locate(actor=admin, region=region, longitude=longitude, latitude=latitude)
    region.refresh_from_db()
    assert region.centre is None


def test_admin_moves_a_county_and_gives_a_centre(world):
    changyuan = Region.objects.get(code="410783")
    response = world.client_for("platform_admin").post(
        reverse("admin:orgs_region_change", args=[changyuan.pk]),
        {
            "code": "410783",
            "name": "长垣市",
            "level": "county",
            "parent": Region.objects.get(code="410700").pk,
            "longitude": "114.67",
            "latitude": "35.2",
        },
    )
    assert response.status_code == 302
    changyuan.refresh_from_db()
    assert changyuan.path == "/000000/410000/410700/410783/"
    assert (changyuan.level, changyuan.centre) == ("county", Point(114.67, 35.2))
    actions = set(
        AuditEvent.objects.filter(object_id=str(changyuan.pk)).values_list("action", flat=True)
    )
    assert actions == {"orgs.region.updated", "orgs.region.located"}
