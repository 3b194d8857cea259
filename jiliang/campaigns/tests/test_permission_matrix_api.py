"""Every campaign endpoint against the permission matrix.

The matrix world (``core.testing.matrix``) has the regulators of 郑州市 ("regulator_above", above
the enterprise's 金水区) and of 开封市 ("sibling_regulator"); this module adds the bureau of
河南省 ("province"), which organises the campaign, and the bureau of 金水区 ("county").

Campaigns are seen by regulators only: the province's campaign by every bureau of the province
(the cities and counties report into it), never by enterprises or institutions (404). Within
it, a bureau reads its own region and those below it: 开封 does not see 郑州's figures, 金水区
not 郑州's (404). Of those who see, only the bureau concerned acts: the bureau above a region
allocates its quota and decides its reports, the region's own bureau enters its figures and
submits them; the others get 403. A refusal changes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiliang.accounts import services as account_services
from jiliang.campaigns import services
from jiliang.core.testing.matrix import (
    ALL_ACTORS,
    SIGNED_IN_ACTORS,
    MatrixCase,
    _member,
    check,
    database_fingerprint,
    matrix_params,
)
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region

ACTORS = (*ALL_ACTORS, "province", "county")
ANONYMOUS = {"anonymous": 401}
SIGNED_IN = dict.fromkeys((*SIGNED_IN_ACTORS, "province", "county"), 200)
# Who sees the province's campaign: its bureaus and the platform's administrators.
CAMPAIGN_READERS = {
    **ANONYMOUS,
    "regulator_above": 200,
    "sibling_regulator": 200,
    "province": 200,
    "county": 200,
    "platform_admin": 200,
}
# Who reads 郑州's figures: 郑州, the province above it, the platform's administrators.
ZHENGZHOU_READERS = {**ANONYMOUS, "regulator_above": 200, "province": 200, "platform_admin": 200}
# Who reads 金水区's: those and 金水区 itself.
COUNTY_READERS = {**ZHENGZHOU_READERS, "county": 200}
# 金水区's own moves (figures, submission): the bureaus above see them and are told no.
COUNTY_MOVE = {
    **ANONYMOUS,
    "county": 200,
    "platform_admin": 200,
    "regulator_above": 403,
    "province": 403,
}
# The moves of the bureau above 金水区 (郑州): quota, approve, return.
CITY_MOVE = {
    **ANONYMOUS,
    "regulator_above": 200,
    "platform_admin": 200,
    "province": 403,
    "county": 403,
}
QUOTA_CSV = "地区,帮扶中小企业数,测量管理体系培训企业数\n中原区,5,1\n金水区,7,2\n".encode()


@pytest.fixture(scope="module")
def module_world(module_world):
    """The province's bureau and campaign, 金水区's bureau, and 金水区's reports: March
    submitted, April approved; built once for the module's tests."""
    world = module_world
    admin = world.users["platform_admin"]
    for actor, code in (("province", "410000"), ("county", "410105")):
        region = Region.objects.get(code=code)
        world.regions[code] = region
        organisation = org_services.organisation_create(
            actor=admin,
            kind="regulator",
            name=f"{region.name}市场监督管理局",
            uscc=demo_uscc("11", code, 950 + len(world.organisations)),
            region=region,
        )
        world.organisations[actor] = organisation
        world.users[actor] = _member(admin, f"matrix-{actor}", organisation, "admin")
        world.tokens[actor] = account_services.token_create(
            actor=world.users[actor], user=world.users[actor], name="matrix"
        )[1]
    campaign = services.campaign_create(
        actor=world.users["province"],
        organiser=world.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )
    county, jinshui = world.users["county"], world.regions["410105"]
    reports = {}
    for period in ("2020-03", "2020-04"):
        services.values_enter(
            actor=county,
            campaign=campaign,
            region=jinshui,
            period=period,
            values={"smes_helped": (3, "")},
        )
        reports[period] = services.report_submit(
            actor=county, campaign=campaign, region=jinshui, period=period
        )
    services.report_approve(actor=world.users["regulator_above"], report=reports["2020-04"])
    world.campaign = campaign
    world.reports = reports
    return world


@pytest.fixture(autouse=True)
def campaign_world(matrix_world):
    return matrix_world


def at(suffix: str = ""):
    return lambda world: f"/api/v1/campaigns/{world.campaign.pk}{suffix}"


def region_id(world, code):
    return world.regions[code].pk


def about(suffix: str, code: str, name: str = "region", **more):
    """A URL with ``?region=`` (or ``name``) the id of the region with this code."""

    def build(world):
        query = "&".join(
            [f"{name}={region_id(world, code)}", *(f"{key}={value}" for key, value in more.items())]
        )
        return f"/api/v1/campaigns/{world.campaign.pk}{suffix}?{query}"

    return build


def report(period: str, move: str):
    return lambda world: (
        f"/api/v1/campaigns/{world.campaign.pk}/reports/{world.reports[period].pk}/{move}"
    )


def quota_of(code: str):
    return lambda world: f"/api/v1/campaigns/{world.campaign.pk}/quotas/{region_id(world, code)}"


def case(name, method, url, expected, data=None):
    return MatrixCase(name, method, url, expected, data=data, api=True)


def new_campaign(world):
    return {
        "organiser": world.organisations["province"].pk,
        "name": "2021年计量服务中小企业行",
        "year": 2021,
        "period_type": "quarterly",
    }


def county_values(world):
    return {
        "region": region_id(world, "410105"),
        "period": "2020-05",
        "values": [{"indicator": "smes_helped", "value": 4, "note": "走访"}],
    }


QUOTA = {"smes_to_help": 10, "smes_for_mms_training": 2}
ZHENGZHOU = "410100"
JINSHUI = "410105"

CASES = [
    case("indicators", "get", lambda w: "/api/v1/indicators", {**ANONYMOUS, **SIGNED_IN}),
    case("list", "get", lambda w: "/api/v1/campaigns", {**ANONYMOUS, **SIGNED_IN}),
    case(
        "create",
        "post",
        lambda w: "/api/v1/campaigns",
        # 郑州, 开封 and 金水区 do not see the province's bureau: 404.
        {**ANONYMOUS, "province": 201, "platform_admin": 201},
        new_campaign,
    ),
    case("detail", "get", at(), CAMPAIGN_READERS),
    case(
        "update",
        "patch",
        at(),
        {
            **ANONYMOUS,
            "province": 200,
            "platform_admin": 200,
            "regulator_above": 403,
            "sibling_regulator": 403,
            "county": 403,
        },
        lambda w: {"deadline_days": 15},
    ),
    case("periods", "get", at("/periods"), CAMPAIGN_READERS),
    case("quotas", "get", about("/quotas", ZHENGZHOU, name="parent"), ZHENGZHOU_READERS),
    case(
        "quotas-export",
        "get",
        about("/quotas/export", ZHENGZHOU, name="parent"),
        ZHENGZHOU_READERS,
    ),
    case(
        "quota-of-a-city",
        "put",
        quota_of(ZHENGZHOU),
        # The province allocates 郑州's quota; 郑州 sees it and is told no.
        {**ANONYMOUS, "province": 200, "platform_admin": 200, "regulator_above": 403},
        lambda w: QUOTA,
    ),
    case("quota-of-a-county", "put", quota_of(JINSHUI), CITY_MOVE, lambda w: QUOTA),
    case("values", "get", about("/values", JINSHUI, period="2020-03"), COUNTY_READERS),
    case("values-enter", "put", at("/values"), COUNTY_MOVE, county_values),
    case("reports", "get", at("/reports"), CAMPAIGN_READERS),
    case("reports-awaiting", "get", at("/reports?awaiting=true"), CAMPAIGN_READERS),
    case(
        "submit",
        "post",
        at("/reports/submit"),
        COUNTY_MOVE,
        lambda w: {"region": region_id(w, JINSHUI), "period": "2020-06"},
    ),
    case("approve", "post", report("2020-03", "approve"), CITY_MOVE),
    case("return", "post", report("2020-03", "return"), CITY_MOVE, lambda w: {"reason": "请核对"}),
    case(
        "unapprove",
        "post",
        report("2020-04", "unapprove"),
        # 郑州 or a bureau above it takes an approval back.
        {**CITY_MOVE, "province": 200},
        lambda w: {"reason": "更正"},
    ),
    # The regions late to report to each reader's bureaus (none for most of them).
    case("late-reports", "get", at("/late-reports"), CAMPAIGN_READERS),
    case("late-reports-of-a-county", "get", about("/late-reports", JINSHUI), COUNTY_READERS),
    case(
        "chase",  # 郑州's bureau chases 金水区; the others who see 金水区 are told no
        "post",
        at("/late-reports/chase"),
        CITY_MOVE,
        lambda w: {"region": region_id(w, JINSHUI), "period": "2020-05"},
    ),
    case("chase-all", "post", at("/late-reports/chase-all"), CAMPAIGN_READERS, lambda w: {}),
    case("rollup", "get", about("/rollup", ZHENGZHOU, period="2020-03"), ZHENGZHOU_READERS),
    case("rollup-of-a-county", "get", about("/rollup", JINSHUI), COUNTY_READERS),
    case("trend", "get", about("/trend", ZHENGZHOU), ZHENGZHOU_READERS),
    case("completeness", "get", about("/completeness", ZHENGZHOU), ZHENGZHOU_READERS),
    case("statistics-xlsx", "get", about("/statistics.xlsx", ZHENGZHOU), ZHENGZHOU_READERS),
    case("statistics-pdf", "get", about("/statistics.pdf", ZHENGZHOU), ZHENGZHOU_READERS),
]

# Multipart: the quota table of 郑州's regions, which 郑州's bureau allocates.
UPLOADS = [
    MatrixCase(
        "quotas-import",
        "post",
        at("/quotas/import"),
        {**ANONYMOUS, "regulator_above": 200, "platform_admin": 200, "province": 403},
        data=lambda w: {
            "parent": region_id(w, ZHENGZHOU),
            "file": SimpleUploadedFile("quotas.csv", QUOTA_CSV),
        },
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES, ACTORS))
def test_permission_matrix(campaign_world, case, actor):
    check(campaign_world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(UPLOADS, ACTORS))
def test_permission_matrix_of_uploads(campaign_world, case, actor):
    client = campaign_world.client_for(actor, api=True)
    target = case.url(campaign_world)
    data = case.data(campaign_world)
    before = database_fingerprint()
    response = client.post(target, data)
    expected = case.status_for(actor)
    assert response.status_code == expected, (actor, response.content[:300])
    if expected >= 400:
        assert database_fingerprint() == before
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("actor", ACTORS)
def test_a_refusal_does_not_depend_on_the_body(campaign_world, actor):
    """404, then 403, then the body's problems: a bad period, a negative count, a bad file."""
    bad_values = case(
        "values-bad",
        "put",
        at("/values"),
        {**COUNTY_MOVE, "county": 400, "platform_admin": 400},
        lambda w: {
            "region": region_id(w, JINSHUI),
            "period": "2020-13",
            "values": [{"indicator": "smes_helped", "value": -1}],
        },
    )
    check(campaign_world, bad_values, actor)
    bad_submit = case(
        "submit-bad",
        "post",
        at("/reports/submit"),
        {**COUNTY_MOVE, "county": 400, "platform_admin": 400},
        lambda w: {"region": region_id(w, JINSHUI), "period": "2019-01"},
    )
    check(campaign_world, bad_submit, actor)
    locked = case(
        "values-locked",
        "put",
        at("/values"),
        {**COUNTY_MOVE, "county": 409, "platform_admin": 409},
        lambda w: {**county_values(w), "period": "2020-03"},
    )
    check(campaign_world, locked, actor)
    twice = case(
        "approve-approved",
        "post",
        report("2020-04", "approve"),
        {**CITY_MOVE, "regulator_above": 409, "platform_admin": 409},
    )
    check(campaign_world, twice, actor)


def test_every_campaign_endpoint_is_in_the_matrix(campaign_world):
    world = campaign_world
    paths = world.client_for("platform_admin", api=True).get("/api/v1/openapi.json").json()
    covered = {(case.method, _template(case.url(world))) for case in [*CASES, *UPLOADS]}
    published = {
        (method, path)
        for path, methods in paths["paths"].items()
        if path.startswith(("/api/v1/campaigns", "/api/v1/indicators"))
        for method in methods
    }
    assert published <= covered, published - covered


PATH_PARAMETERS = {"campaigns": "campaign_id", "quotas": "region_id", "reports": "report_id"}


def _template(path: str) -> str:
    parts = path.split("?")[0].split("/")
    return "/".join(
        f"{{{PATH_PARAMETERS[parts[index - 1]]}}}" if part.isdigit() else part
        for index, part in enumerate(parts)
    )
