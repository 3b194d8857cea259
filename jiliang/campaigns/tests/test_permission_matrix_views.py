"""Every campaign page and step against the permission matrix: each actor gets the status the
table says, and a refused request leaves the database exactly as it was.

The actors are the bureaus of the campaign fixtures' reporting line (the province organises
the campaign; 郑州市 and its districts 金水区 and 中原区; 开封市 beside 郑州市), a viewer of the
province's bureau, a bureau of another province (湖北省: outside the campaign altogether), an
enterprise's administrator in 金水区, a platform administrator, and an anonymous visitor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from jiliang.campaigns import services, urls
from jiliang.campaigns.tests.conftest import _member, build_bureaus, enterprise_in
from jiliang.core.testing.matrix import MatrixCase, World, check, matrix_params
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region
from jiliang.orgs.reference import QUOTA_TABLE

PERIOD = "2020-03"
ACTORS = (
    "anonymous",
    "enterprise",
    "province",
    "viewer",
    "zhengzhou",
    "jinshui",
    "zhongyuan",
    "kaifeng",
    "hubei",
    "platform_admin",
)
ANONYMOUS = {"anonymous": 302}
# Who sees the province's campaign: every bureau of the province, and platform staff.
CAMPAIGN_READERS = dict.fromkeys(
    ("province", "viewer", "zhengzhou", "jinshui", "zhongyuan", "kaifeng", "platform_admin"), 200
)
# Who looks at 金水区: its own bureau and the bureaus above it.
JINSHUI_READERS = dict.fromkeys(
    ("province", "viewer", "zhengzhou", "jinshui", "platform_admin"), 200
)
# Who looks at the province itself.
PROVINCE_READERS = dict.fromkeys(("province", "viewer", "platform_admin"), 200)


@pytest.fixture(scope="module")
def module_world(module_db):
    """The bureaus' world (not the standard one), built once for the module's tests."""
    bureaus = build_bureaus()
    hubei = Region.objects.get(code="420000")  # a province beside Henan, in the national tree
    organisation = org_services.organisation_create(
        actor=bureaus.admin,
        kind="regulator",
        name="湖北省市场监督管理局",
        uscc=demo_uscc("11", "420000", 990),
        region=hubei,
    )
    bureaus.users["hubei"] = _member(bureaus.admin, "bureau-hubei", organisation, "admin")
    enterprise = enterprise_in(bureaus, "jinshui")
    bureaus.users["enterprise"] = _member(bureaus.admin, "enterprise-admin", enterprise, "admin")
    bureaus.users["anonymous"] = None
    world = World(regions=bureaus.regions, organisations=bureaus.organisations, users=bureaus.users)
    world.campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )
    return world


@pytest.fixture
def world(matrix_world):
    return matrix_world


def cached(world, key, make):
    objects = world.__dict__.setdefault("_campaigns", {})
    if key not in objects:
        objects[key] = make(world)
    return objects[key]


def submitted_report(world):
    def make(world):
        return services.report_submit(
            actor=world.users["jinshui"],
            campaign=world.campaign,
            region=world.regions["jinshui"],
            period=PERIOD,
        )

    return cached(world, "submitted", make)


def approved_report(world):
    def make(world):
        report = services.report_submit(
            actor=world.users["jinshui"],
            campaign=world.campaign,
            region=world.regions["jinshui"],
            period="2020-04",
        )
        return services.report_approve(actor=world.users["zhengzhou"], report=report)

    return cached(world, "approved", make)


def campaign_url(name, *args, **params):
    def url(world):
        resolved = [world.regions[arg].pk if isinstance(arg, str) else arg for arg in args]
        path = reverse(f"campaigns:{name}", args=[world.campaign.pk, *resolved])
        query = "&".join(
            f"{key}={world.regions[value].pk if key == 'region' else value}"
            for key, value in params.items()
        )
        return f"{path}?{query}" if query else path

    return url


def report_url(name, report):
    return lambda world: reverse(f"campaigns:{name}", args=[report(world).pk])


def new_campaign(world):
    return {
        "organiser": world.organisations["province"].pk,
        "name": "2021年计量服务中小企业行",
        "year": 2021,
        "period_type": "quarterly",
        "deadline_days": 10,
        "indicators": list(world.campaign.indicators.values_list("pk", flat=True)),
    }


def quota_lines(world):
    prefix = f"table-r{world.regions['zhengzhou'].pk}"
    return {
        "part": "table",
        f"{prefix}_smes_to_help": 80,
        f"{prefix}_smes_for_mms_training": 24,
        f"{prefix}_note": "",
    }


def quota_file(world):
    return {"file": SimpleUploadedFile("henan-2020-quota.csv", QUOTA_TABLE.read_bytes())}


def figures(world):
    return {"smes_helped": 5, "smes_helped__note": "走访"}


def reason(world):
    return {"reason": "请核对"}


SEES_JINSHUI_CANNOT_ENTER = {"province": 403, "viewer": 403, "zhengzhou": 403}
JINSHUI_ENTERS = {**ANONYMOUS, **SEES_JINSHUI_CANNOT_ENTER, "jinshui": 302, "platform_admin": 302}
# Decisions on 金水区's report: 郑州市's bureau; the others who see it may not.
DECIDED_BY_ZHENGZHOU = {
    **ANONYMOUS,
    "province": 403,
    "viewer": 403,
    "jinshui": 403,
    "zhengzhou": 302,
    "platform_admin": 302,
}
ORGANISERS = ("province", "zhengzhou", "jinshui", "zhongyuan", "kaifeng", "hubei")

CASES = [
    MatrixCase(
        "campaign-list",
        "get",
        lambda w: reverse("campaigns:campaign_list"),
        {**ANONYMOUS, **dict.fromkeys(ACTORS[1:], 200)},
    ),
    MatrixCase(
        "campaign-create-form",
        "get",
        lambda w: reverse("campaigns:campaign_create"),
        {**ANONYMOUS, **dict.fromkeys((*ORGANISERS, "platform_admin"), 200), "viewer": 403},
    ),
    MatrixCase(
        "campaign-create",
        "post",
        lambda w: reverse("campaigns:campaign_create"),
        {
            **ANONYMOUS,
            **dict.fromkeys(ORGANISERS, 400),  # not their bureau: not a choice
            "province": 302,
            "platform_admin": 302,
            "viewer": 403,
        },
        data=new_campaign,
    ),
    MatrixCase(
        "campaign-detail",
        "get",
        campaign_url("campaign_detail"),
        {**ANONYMOUS, **CAMPAIGN_READERS},
    ),
    MatrixCase(
        "campaign-detail-of-jinshui",
        "get",
        campaign_url("campaign_detail", region="jinshui", period=PERIOD),
        {**ANONYMOUS, **JINSHUI_READERS},
    ),
    MatrixCase(
        "statistics-xlsx",
        "get",
        campaign_url("statistics_xlsx", region="jinshui", period=PERIOD),
        {**ANONYMOUS, **JINSHUI_READERS},
    ),
    MatrixCase(
        "statistics-pdf",
        "get",
        campaign_url("statistics_pdf", region="zhengzhou"),
        {**ANONYMOUS, **JINSHUI_READERS, "jinshui": 404},
    ),
    MatrixCase(
        "dashboard",
        "get",
        campaign_url("dashboard", region="jinshui"),
        {**ANONYMOUS, **JINSHUI_READERS},
    ),
    MatrixCase(
        "quotas-of-the-province",
        "get",
        campaign_url("quotas", "province"),
        {**ANONYMOUS, **PROVINCE_READERS},
    ),
    MatrixCase(
        "quotas-save",
        "post",
        campaign_url("quotas", "province"),
        {**ANONYMOUS, "province": 302, "platform_admin": 302, "viewer": 403},
        data=quota_lines,
    ),
    MatrixCase(
        "quotas-of-zhengzhou-save-by-the-province",  # 郑州市's bureau allocates there
        "post",
        campaign_url("quotas", "zhengzhou"),
        {**ANONYMOUS, "province": 403, "viewer": 403, "zhengzhou": 302, "platform_admin": 302},
        data=lambda w: {
            "part": "table",
            f"table-r{w.regions['jinshui'].pk}_smes_to_help": 5,
            f"table-r{w.regions['jinshui'].pk}_smes_for_mms_training": 1,
        },
    ),
    MatrixCase(
        "quotas-import-form",
        "get",
        campaign_url("quotas_import", "province"),
        {**ANONYMOUS, **PROVINCE_READERS},
    ),
    MatrixCase(
        "quotas-import",
        "post",
        campaign_url("quotas_import", "province"),
        {**ANONYMOUS, "province": 302, "platform_admin": 302, "viewer": 403},
        data=quota_file,
    ),
    MatrixCase(
        "quotas-export",
        "get",
        campaign_url("quotas_export", "province"),
        {**ANONYMOUS, **PROVINCE_READERS},
    ),
    MatrixCase(
        "quotas-template",
        "get",
        campaign_url("quotas_template", "province"),
        {**ANONYMOUS, **PROVINCE_READERS},
    ),
    MatrixCase(
        "figures-of-jinshui",
        "get",
        campaign_url("figures", region="jinshui", period=PERIOD),
        {**ANONYMOUS, **JINSHUI_READERS},
    ),
    MatrixCase(
        "figures-own",  # each bureau's own region; those of no bureau in the campaign: 404
        "get",
        campaign_url("figures", period=PERIOD),
        {**ANONYMOUS, **CAMPAIGN_READERS},
    ),
    MatrixCase(
        "figures-enter",
        "post",
        campaign_url("figures", region="jinshui", period=PERIOD),
        JINSHUI_ENTERS,
        data=figures,
    ),
    MatrixCase(
        "figures-submit",
        "post",
        campaign_url("figures_submit", region="jinshui", period=PERIOD),
        JINSHUI_ENTERS,
    ),
    MatrixCase("approvals", "get", campaign_url("approvals"), {**ANONYMOUS, **CAMPAIGN_READERS}),
    MatrixCase(
        "approvals-late-of-jinshui",
        "get",
        campaign_url("approvals", region="jinshui", status="late", period=PERIOD),
        {**ANONYMOUS, **JINSHUI_READERS},
    ),
    MatrixCase(
        "chase",  # 郑州市's bureau chases 金水区
        "post",
        campaign_url("chase"),
        DECIDED_BY_ZHENGZHOU,
        data=lambda w: {"region": w.regions["jinshui"].pk, "period": PERIOD},
    ),
    MatrixCase(
        "chase-all",  # each bureau its own late regions (none for most)
        "post",
        campaign_url("chase"),
        {**ANONYMOUS, **dict.fromkeys(CAMPAIGN_READERS, 302)},
        data=lambda w: {"period": PERIOD},
    ),
    MatrixCase(
        "report-approve",
        "post",
        report_url("report_approve", submitted_report),
        DECIDED_BY_ZHENGZHOU,
    ),
    MatrixCase(
        "report-return-form",
        "get",
        report_url("report_return", submitted_report),
        {**DECIDED_BY_ZHENGZHOU, "zhengzhou": 200, "platform_admin": 200},
    ),
    MatrixCase(
        "report-return",
        "post",
        report_url("report_return", submitted_report),
        DECIDED_BY_ZHENGZHOU,
        data=reason,
    ),
    MatrixCase(
        "report-unapprove",  # 郑州市's bureau or one above it
        "post",
        report_url("report_unapprove", approved_report),
        {**DECIDED_BY_ZHENGZHOU, "province": 302},
        data=reason,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES, actors=ACTORS))
def test_campaign_pages(world, case, actor):
    check(world, case, actor)


def test_the_matrix_covers_every_campaign_page(world):
    requested = {resolve(case.url(world).split("?")[0]).url_name for case in CASES}
    assert requested == {pattern.name for pattern in urls.urlpatterns}
