"""The campaign API end to end: campaigns, quotas (JSON and xlsx/csv), entered values, the
approval chain, roll-ups and their files, and every kind of bad input answered with a 4xx
that names what is wrong and changes nothing.

The bureaus and the campaign come from ``conftest.py`` (the province's monthly 2020 campaign;
Zhengzhou with Zhongyuan and Jinshui below it, Kaifeng beside it).
"""

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from jiliang.accounts.services import token_create
from jiliang.campaigns import services
from jiliang.campaigns.models import Campaign, EnteredValue, Quota, Report
from jiliang.campaigns.tests.conftest import ZHENGZHOU_CHILDREN, _member, enterprise_in
from jiliang.core.testing.matrix import database_fingerprint

CSV_QUOTAS = (
    "序号,地区,帮扶中小企业数,测量管理体系培训企业数,备注\n"
    "1,中原区,5,1,\n"
    "2,金水区,7,2,重点\n"
    "合计,,12,3,\n"
)


class Api:
    """A bearer-token client for one user, answering (status, JSON or bytes)."""

    def __init__(self, user):
        self.client = Client(headers={"authorization": f"Bearer {_token(user)}"})
        self.client.cookies["django_language"] = "en"  # messages in English

    def __call__(self, method, path, data=None, **kwargs):
        if data is not None and method != "get":
            kwargs = {"data": json.dumps(data), "content_type": "application/json", **kwargs}
        elif data is not None:
            kwargs = {"data": data}
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        self.last = response
        if response.get("Content-Type", "").startswith("application/json"):
            return response.status_code, response.json()
        return response.status_code, response.content


def _token(user):
    return token_create(actor=user, user=user, name="test")[1]


@pytest.fixture
def api(bureaus, english):
    return {name: Api(user) for name, user in bureaus.users.items()}


def base(campaign):
    return f"/campaigns/{campaign.pk}"


def fields(body):
    return [error["field"] for error in body["errors"]]


def unchanged(call):
    """Call and assert that nothing in the database changed; return the answer."""
    before = database_fingerprint()
    answer = call()
    assert database_fingerprint() == before
    return answer


# Campaigns -------------------------------------------------------------------------------------


def test_create_list_show_and_change_a_campaign(bureaus, api):
    status, body = api["province"](
        "post",
        "/campaigns",
        {"name": "2021年计量服务中小企业行", "year": 2021, "period_type": "quarterly"},
    )
    assert status == 201, body
    assert body["region"]["code"] == "410000"
    assert body["organiser"]["id"] == bureaus.organisations["province"].pk
    assert body["indicators"][0] == "smes_helped"
    assert len(body["indicators"]) == 14
    campaign_id = body["id"]

    status, body = api["zhengzhou"]("get", "/campaigns")
    assert status == 200
    assert [item["id"] for item in body["items"]] == [campaign_id]
    status, periods = api["jinshui"]("get", f"/campaigns/{campaign_id}/periods")
    assert [period["key"] for period in periods] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    assert periods[0]["end"] == "2021-03-31"
    assert periods[0]["deadline"] == "2021-04-10"

    status, body = api["province"](
        "patch",
        f"/campaigns/{campaign_id}",
        {
            "name": "2021年计量服务",
            "deadline_days": 15,
            "indicators": ["smes_helped", "labs_opened"],
        },
    )
    assert status == 200, body
    assert (body["name"], body["deadline_days"]) == ("2021年计量服务", 15)
    assert body["indicators"] == ["smes_helped", "labs_opened"]
    status, body = unchanged(
        lambda: api["zhengzhou"]("patch", f"/campaigns/{campaign_id}", {"name": "改名"})
    )
    assert status == 403
    status, body = unchanged(
        lambda: api["province"]("patch", f"/campaigns/{campaign_id}", {"name": None})
    )
    assert (status, fields(body)) == (400, ["name"])


def test_campaign_bad_input(bureaus, api, campaign):
    new = {"name": "x", "year": 2021, "period_type": "monthly"}
    cases = [
        ({**new, "year": 1999}, 422, ["year"]),
        ({**new, "period_type": "weekly"}, 422, ["period_type"]),
        ({**new, "deadline_days": -1}, 422, ["deadline_days"]),
        ({**new, "indicators": ["smes_helped", "no_such"]}, 400, ["indicators"]),
        ({**new, "indicators": []}, 400, ["indicators"]),
        ({**new, "name": campaign.name, "year": 2020}, 400, None),
        # The province sees Kaifeng's bureau but does not act for it.
        ({**new, "organiser": bureaus.organisations["kaifeng"].pk}, 403, None),
    ]
    for data, expected, named in cases:
        status, body = unchanged(lambda data=data: api["province"]("post", "/campaigns", data))
        assert status == expected, (data, body)
        if named:
            assert fields(body) == named, body
    # An enterprise's member neither names an organiser nor acts for a regulator.
    enterprise = enterprise_in(bureaus, "jinshui")
    member = Api(_member(bureaus.admin, "enterprise-admin", enterprise, "admin"))
    status, body = unchanged(lambda: member("post", "/campaigns", new))
    assert (status, fields(body)) == (400, ["organiser"])
    status, body = unchanged(
        lambda: member("post", "/campaigns", {**new, "organiser": enterprise.pk})
    )
    assert (status, fields(body)) == (400, ["organiser"])
    assert member("get", "/campaigns")[1]["items"] == []
    assert member("get", base(campaign))[0] == 404
    # The province's viewer sees the campaign but may not organise one.
    status, _body = unchanged(
        lambda: api["viewer"](
            "post", "/campaigns", {**new, "organiser": bureaus.organisations["province"].pk}
        )
    )
    assert status == 403


def test_the_periods_cannot_change_once_figures_are_entered(bureaus, api, campaign):
    enter = {"region": bureaus.regions["jinshui"].pk, "period": "2020-03"}
    api["jinshui"](
        "put",
        f"{base(campaign)}/values",
        {**enter, "values": [{"indicator": "smes_helped", "value": 1}]},
    )
    status, body = unchanged(
        lambda: api["province"]("patch", base(campaign), {"period_type": "quarterly"})
    )
    assert (status, fields(body)) == (400, ["period_type"])


def test_indicators(api):
    status, body = api["jinshui"]("get", "/indicators")
    assert status == 200
    assert body[0]["code"] == "smes_helped"
    assert body[0]["counter"] == "enterprises_helped"
    assert {"code", "name", "name_en", "unit", "aggregation", "is_active"} <= set(body[1])
    assert len(body) == 14
    assert Client().get("/api/v1/indicators").status_code == 401


# Quotas ----------------------------------------------------------------------------------------


def test_quotas_set_listed_and_warned(bureaus, api, campaign):
    url = f"{base(campaign)}/quotas"
    province, zhengzhou, kaifeng = (
        bureaus.regions[n] for n in ("province", "zhengzhou", "kaifeng")
    )
    status, body = api["province"](
        "put", f"{url}/{province.pk}", {"smes_to_help": 100, "smes_for_mms_training": 20}
    )
    assert (status, body["warnings"]) == (200, [])
    status, body = api["province"](
        "put",
        f"{url}/{zhengzhou.pk}",
        {"smes_to_help": 80, "smes_for_mms_training": 10, "note": "省会"},
    )
    assert status == 200
    assert body["quota"] == {
        "region": {"id": zhengzhou.pk, "code": "410100", "name": "郑州市", "level": "city"},
        "smes_to_help": 80,
        "smes_for_mms_training": 10,
        "note": "省会",
    }
    # Over the province's quota: accepted, with a visible warning.
    status, body = api["province"](
        "put", f"{url}/{kaifeng.pk}", {"smes_to_help": 30, "smes_for_mms_training": 5}
    )
    assert status == 200
    assert len(body["warnings"]) == 1
    assert "110" in body["warnings"][0]

    status, body = api["province"]("get", url)  # the parent defaults to the reader's top
    assert status == 200
    assert body["parent"]["code"] == "410000"
    assert body["parent_quota"]["smes_to_help"] == 100
    assert body["sums"] == {"smes_to_help": 110, "smes_for_mms_training": 15}
    assert len(body["warnings"]) == 1
    assert len(body["children"]) == 28
    assert body["children"][0]["region"]["code"] == "410100"
    assert body["children"][0]["quota"]["smes_to_help"] == 80
    assert sum(1 for line in body["children"] if line["quota"] is None) == 26
    # Zhengzhou reads its own allocation from its top.
    status, body = api["zhengzhou"]("get", url)
    assert (body["parent"]["code"], body["parent_quota"]["smes_to_help"]) == ("410100", 80)
    assert api["zhengzhou"]("get", url, {"parent": province.pk})[0] == 404


def test_quota_bad_input(bureaus, api, campaign):
    url = f"{base(campaign)}/quotas/{bureaus.regions['zhengzhou'].pk}"
    good = {"smes_to_help": 5, "smes_for_mms_training": 1}
    cases = [
        ({**good, "smes_to_help": -1}, 422, ["smes_to_help"]),
        ({**good, "smes_to_help": 1.5}, 422, ["smes_to_help"]),
        ({**good, "smes_for_mms_training": "many"}, 422, ["smes_for_mms_training"]),
        ({"smes_to_help": 5}, 422, ["smes_for_mms_training"]),
        ({**good, "note": "x" * 201}, 422, ["note"]),
    ]
    for data, expected, named in cases:
        status, body = unchanged(lambda data=data: api["province"]("put", url, data))
        assert (status, fields(body)) == (expected, named), data
    nation = bureaus.regions["nation"]
    status, body = unchanged(
        lambda: api["platform_admin"]("put", f"{base(campaign)}/quotas/{nation.pk}", good)
    )
    assert (status, fields(body)) == (400, ["region"])
    assert (
        unchanged(lambda: api["province"]("put", f"{base(campaign)}/quotas/999999", good))[0] == 404
    )
    # Zhengzhou does not set its own quota; Kaifeng does not see Zhengzhou.
    assert unchanged(lambda: api["zhengzhou"]("put", url, good))[0] == 403
    assert unchanged(lambda: api["kaifeng"]("put", url, good))[0] == 404


def upload(client, campaign, parent, content, filename="quotas.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(filename, content)}
    if parent is not None:
        data["parent"] = parent.pk
    response = client.client.post(f"/api/v1{base(campaign)}/quotas/import", data)
    return response.status_code, response.json()


def test_quota_import_and_export(bureaus, api, campaign):
    zhengzhou = bureaus.regions["zhengzhou"]
    services.quota_set(
        actor=bureaus.users["province"],
        campaign=campaign,
        region=zhengzhou,
        smes_to_help=10,
        smes_for_mms_training=5,
    )
    status, body = upload(api["zhengzhou"], campaign, zhengzhou, CSV_QUOTAS.encode())
    assert status == 200, body
    assert body["imported"] == 2
    assert body["sums"] == {"smes_to_help": 12, "smes_for_mms_training": 3}
    assert len(body["warnings"]) == 1  # 12 SMEs to help under a quota of 10
    quotas = dict(
        Quota.objects.filter(campaign=campaign, region__parent=zhengzhou).values_list(
            "region__code", "smes_to_help"
        )
    )
    assert quotas == {"410102": 5, "410105": 7}

    status, content = api["province"](
        "get", f"{base(campaign)}/quotas/export", {"parent": zhengzhou.pk}
    )
    assert status == 200
    assert (
        api["province"]
        .last["Content-Type"]
        .startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    )
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["中原区", 5, 1] in [row[1:4] for row in rows]
    assert ["金水区", 7, 2] in [row[1:4] for row in rows]
    # The exported file imports again as it is.
    status, body = upload(api["zhengzhou"], campaign, zhengzhou, content, "quotas.xlsx")
    assert (status, body["imported"]) == (200, 2)
    status, content = api["province"](
        "get", f"{base(campaign)}/quotas/export", {"parent": zhengzhou.pk, "blank": "true"}
    )
    assert status == 200
    assert "quota-template" in api["province"].last["Content-Disposition"]
    rows = [
        list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]
    assert ["中原区", None, None] in [row[1:4] for row in rows]


def test_quota_import_refusals(bureaus, api, campaign):
    zhengzhou = bureaus.regions["zhengzhou"]
    unknown = CSV_QUOTAS.replace("金水区", "洛阳市")
    bad = CSV_QUOTAS.replace(",7,", ",7.5,")
    for content in (unknown, bad, "not,a,table\n", ""):
        status, body = unchanged(
            lambda content=content: upload(api["zhengzhou"], campaign, zhengzhou, content.encode())
        )
        assert (status, fields(body)[0]) == (400, "file"), body
    status, body = unchanged(lambda: upload(api["zhengzhou"], campaign, zhengzhou, b"x", "q.txt"))
    assert (status, fields(body)) == (400, ["file"])
    assert "洛阳市" in upload(api["zhengzhou"], campaign, zhengzhou, unknown.encode())[1]["detail"]
    assert "7.5" in upload(api["zhengzhou"], campaign, zhengzhou, bad.encode())[1]["detail"]
    # Who: the bureau of the parent; refused before the file is read.
    for name, expected in (("province", 403), ("viewer", 403), ("jinshui", 404), ("kaifeng", 404)):
        status, _body = unchanged(
            lambda name=name: upload(api[name], campaign, zhengzhou, bad.encode())
        )
        assert status == expected, name


# Entered values --------------------------------------------------------------------------------


def values(region, period, *lines):
    return {
        "region": region.pk,
        "period": period,
        "values": [
            {"indicator": code, "value": value, **({"note": note} if note else {})}
            for code, value, note in lines
        ],
    }


def test_enter_and_read_values(bureaus, api, campaign):
    jinshui = bureaus.regions["jinshui"]
    url = f"{base(campaign)}/values"
    status, body = api["jinshui"]("get", url, {"period": "2020-03"})  # region: the reader's
    assert status == 200
    assert body["region"]["code"] == "410105"
    assert body["period"]["key"] == "2020-03"
    assert (body["report_status"], body["locked"]) == ("open", False)
    assert all(line["value"] is None for line in body["values"])
    status, body = api["jinshui"](
        "put",
        url,
        values(jinshui, "2020-03", ("smes_helped", 3, "走访"), ("service_teams", 2.0, "")),
    )
    assert status == 200, body
    entered = {line["indicator"]: (line["value"], line["note"]) for line in body["values"]}
    assert entered["smes_helped"] == (3, "走访")
    assert entered["service_teams"] == (2, "")
    assert entered["labs_opened"] == (None, "")
    # The city above reads them; null removes one.
    status, body = api["zhengzhou"]("get", url, {"region": jinshui.pk, "period": "2020-03"})
    assert body["values"][0]["value"] == 3
    api["jinshui"]("put", url, values(jinshui, "2020-03", ("service_teams", None, "")))
    assert not EnteredValue.objects.filter(indicator__code="service_teams").exists()
    # The province's own figures: it does not report, so nothing locks them.
    status, body = api["province"](
        "put", url, values(bureaus.regions["province"], "2020-03", ("promo_materials", 500, ""))
    )
    assert (status, body["report_status"], body["locked"]) == (200, None, False)


@pytest.mark.parametrize(
    ("line", "period", "expected", "named"),
    [
        (("smes_helped", 2.5, ""), "2020-03", 400, "smes_helped"),
        (("smes_helped", -1, ""), "2020-03", 400, "smes_helped"),
        (("smes_helped", -0.5, ""), "2020-03", 400, "smes_helped"),
        (("smes_helped", 2**31, ""), "2020-03", 400, "smes_helped"),
        (("smes_helped", 1e300, ""), "2020-03", 400, "smes_helped"),
        (("smes_helped", "3", ""), "2020-03", 422, "values.0.value"),
        (("smes_helped", True, ""), "2020-03", 422, "values.0.value"),
        (("no_such_indicator", 1, ""), "2020-03", 400, "no_such_indicator"),
        (("smes_helped", 1, "x" * 501), "2020-03", 422, "values.0.note"),
        (("smes_helped", 1, ""), "2020-13", 400, "period"),
        (("smes_helped", 1, ""), "2019-01", 400, "period"),
        (("smes_helped", 1, ""), "2020-Q1", 400, "period"),
        (("smes_helped", 1, ""), "total", 400, "period"),
        (("smes_helped", 1, ""), "2020-03-01-x", 422, "period"),
    ],
)
def test_bad_values_are_refused_by_name(bureaus, api, campaign, line, period, expected, named):
    data = values(bureaus.regions["jinshui"], period, line)
    status, body = unchanged(lambda: api["jinshui"]("put", f"{base(campaign)}/values", data))
    assert status == expected, body
    assert named in fields(body), body


def test_values_of_another_region_are_refused(bureaus, api, campaign):
    url = f"{base(campaign)}/values"
    jinshui = bureaus.regions["jinshui"]
    data = values(jinshui, "2020-03", ("smes_helped", 1, ""))
    for name, expected in (
        ("zhongyuan", 404),  # a neighbouring county does not see Jinshui
        ("kaifeng", 404),
        ("zhengzhou", 403),  # the city above sees it but enters only its own figures
        ("province", 403),
        ("viewer", 403),
    ):
        status, body = unchanged(lambda name=name: api[name]("put", url, data))
        assert status == expected, (name, body)
        # Whatever the body holds: the refusal comes first.
        bad = values(jinshui, "2020-13", ("smes_helped", -1, ""), ("smes_helped", 1, ""))
        assert unchanged(lambda name=name, bad=bad: api[name]("put", url, bad))[0] == expected
    assert api["zhongyuan"]("get", url, {"region": jinshui.pk, "period": "2020-03"})[0] == 404
    nation = bureaus.regions["nation"]
    status, body = unchanged(
        lambda: api["platform_admin"]("put", url, values(nation, "2020-03", ("smes_helped", 1, "")))
    )
    assert (status, fields(body)) == (400, ["region"])


def test_values_of_a_submitted_period_are_locked(bureaus, api, campaign):
    url = f"{base(campaign)}/values"
    jinshui = bureaus.regions["jinshui"]
    api["jinshui"]("put", url, values(jinshui, "2020-03", ("smes_helped", 3, "")))
    status, report = api["jinshui"](
        "post", f"{base(campaign)}/reports/submit", {"region": jinshui.pk, "period": "2020-03"}
    )
    assert (status, report["status"]) == (200, "submitted")
    status, body = api["jinshui"]("get", url, {"period": "2020-03"})
    assert (body["report_status"], body["locked"]) == ("submitted", True)
    status, body = unchanged(
        lambda: api["jinshui"]("put", url, values(jinshui, "2020-03", ("smes_helped", 4, "")))
    )
    assert status == 409
    assert "locked" in body["detail"]
    # Another period is open; once returned, March is too.
    assert api["jinshui"]("put", url, values(jinshui, "2020-04", ("smes_helped", 4, "")))[0] == 200
    api["zhengzhou"](
        "post", f"{base(campaign)}/reports/{report['id']}/return", {"reason": "请核对"}
    )
    assert api["jinshui"]("put", url, values(jinshui, "2020-03", ("smes_helped", 4, "")))[0] == 200


# Reports ---------------------------------------------------------------------------------------


def test_the_approval_chain(bureaus, api, campaign):
    reports = f"{base(campaign)}/reports"
    submit = {"period": "2020-03"}
    status, body = unchanged(
        lambda: api["zhengzhou"](
            "post", f"{reports}/submit", {**submit, "region": bureaus.regions["zhengzhou"].pk}
        )
    )
    assert (status, fields(body)) == (400, ["period"])  # its counties have not been approved
    assert "中原区" in body["detail"]
    ids = {}
    for name in ("jinshui", "zhongyuan"):
        status, body = api[name](
            "post", f"{reports}/submit", {**submit, "region": bureaus.regions[name].pk}
        )
        assert status == 200, body
        ids[name] = body["id"]
        assert body["submitted_by"] == f"bureau-{name}"
    status, body = api["zhengzhou"]("get", reports, {"awaiting": "true"})
    assert [item["id"] for item in body["items"]] == [ids["jinshui"], ids["zhongyuan"]]
    assert api["province"]("get", reports, {"awaiting": "true"})[1]["items"] == []

    approve = f"{reports}/{ids['jinshui']}/approve"
    assert unchanged(lambda: api["province"]("post", approve))[0] == 403
    assert unchanged(lambda: api["jinshui"]("post", approve))[0] == 403
    assert unchanged(lambda: api["kaifeng"]("post", approve))[0] == 404
    status, body = api["zhengzhou"]("post", approve)
    assert (status, body["status"], body["decided_by"]) == (200, "approved", "bureau-zhengzhou")
    status, body = unchanged(lambda: api["zhengzhou"]("post", approve))
    assert status == 409  # already approved

    back = f"{reports}/{ids['zhongyuan']}/return"
    status, body = unchanged(lambda: api["zhengzhou"]("post", back, {"reason": " "}))
    assert (status, fields(body)) == (400, ["reason"])
    assert unchanged(lambda: api["zhengzhou"]("post", back, {}))[0] == 422
    status, body = api["zhengzhou"]("post", back, {"reason": "数据有误"})
    assert (status, body["status"], body["return_reason"]) == (200, "returned", "数据有误")
    assert unchanged(lambda: api["zhengzhou"]("post", back, {"reason": "again"}))[0] == 409
    api["zhongyuan"](
        "post", f"{reports}/submit", {**submit, "region": bureaus.regions["zhongyuan"].pk}
    )
    api["zhengzhou"]("post", f"{reports}/{ids['zhongyuan']}/approve")
    status, city = api["zhengzhou"](
        "post", f"{reports}/submit", {**submit, "region": bureaus.regions["zhengzhou"].pk}
    )
    assert (status, city["status"]) == (200, "submitted")

    # Unapproving Jinshui is refused while Zhengzhou's own report is on its way up.
    unapprove = f"{reports}/{ids['jinshui']}/unapprove"
    status, body = unchanged(lambda: api["zhengzhou"]("post", unapprove, {"reason": "更正"}))
    assert status == 409
    api["province"]("post", f"{reports}/{city['id']}/return", {"reason": "请更正金水区"})
    status, body = api["province"]("post", unapprove, {"reason": "更正"})  # a bureau above
    assert (status, body["status"]) == (200, "returned")

    status, body = api["province"]("get", reports, {"status": "returned"})
    assert {item["region"]["code"] for item in body["items"]} == {"410100", "410105"}
    status, body = api["province"]("get", reports, {"period": "2020-13"})
    assert (status, fields(body)) == (400, ["period"])
    status, body = api["province"]("get", reports, {"status": "lost"})
    assert (status, fields(body)) == (422, ["status"])
    # The province does not report: it is the top.
    status, body = unchanged(
        lambda: api["province"](
            "post", f"{reports}/submit", {**submit, "region": bureaus.regions["province"].pk}
        )
    )
    assert (status, fields(body)) == (400, ["region"])


def test_a_report_of_another_campaign_is_not_found(bureaus, api, campaign):
    other = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="另一个活动",
        year=2020,
        period_type="monthly",
    )
    report = services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=other,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )
    assert (
        unchanged(
            lambda: api["zhengzhou"]("post", f"{base(campaign)}/reports/{report.pk}/approve")
        )[0]
        == 404
    )
    assert Report.objects.get(pk=report.pk).status == "submitted"


# Roll-ups --------------------------------------------------------------------------------------


@pytest.fixture
def entered(bureaus, campaign):
    for name, period, number in (
        ("jinshui", "2020-03", 3),
        ("zhongyuan", "2020-03", 2),
        ("kaifeng", "2020-03", 5),
        ("zhengzhou", "2020-04", 4),
    ):
        services.values_enter(
            actor=bureaus.users[name],
            campaign=campaign,
            region=bureaus.regions[name],
            period=period,
            values={"smes_helped": (number, ""), "mms_enterprises": (1, "")},
        )
    services.quota_set(
        actor=bureaus.users["province"],
        campaign=campaign,
        region=bureaus.regions["zhengzhou"],
        smes_to_help=20,
        smes_for_mms_training=4,
    )
    return campaign


def test_the_rollup_as_json(bureaus, api, entered):
    url = f"{base(entered)}/rollup"
    status, body = api["province"]("get", url, {"period": "2020-03"})
    assert status == 200, body
    assert body["region"]["code"] == "410000"
    assert body["period"]["key"] == "2020-03"
    assert body["indicators"][0] == {"code": "smes_helped", "name": "帮扶中小企业", "unit": "家"}
    assert body["total"]["cells"]["smes_helped"] == {"entered": 10, "counted": 0, "together": 10}
    assert body["own"]["cells"]["smes_helped"]["together"] == 0
    assert len(body["children"]) == 28
    zhengzhou = body["children"][0]
    assert zhengzhou["region"]["code"] == "410100"
    assert zhengzhou["cells"]["smes_helped"]["entered"] == 5
    assert zhengzhou["quota"]["smes_to_help"] == 20
    assert zhengzhou["achievement"] == 0.25
    assert zhengzhou["mms_achievement"] == 0.5
    assert zhengzhou["report_status"] == "open"
    # The whole campaign by default; the reader's top region by default.
    status, body = api["zhengzhou"]("get", url)
    assert (body["region"]["code"], body["period"]["key"]) == ("410100", "total")
    assert body["total"]["cells"]["smes_helped"]["together"] == 9
    assert body["total"]["achievement"] == 0.45
    assert [child["region"]["code"] for child in body["children"]] == list(ZHENGZHOU_CHILDREN)
    assert {child["report_status"] for child in body["children"]} == {None}


@pytest.mark.parametrize(
    ("reader", "query", "expected", "named"),
    [
        ("province", {"period": "2020-13"}, 400, "period"),
        ("province", {"period": "2019-01"}, 400, "period"),
        ("province", {"period": "x" * 11}, 422, "period"),
        ("province", {"region": "abc"}, 422, "region"),
        ("province", {"region": 0}, 422, "region"),
        ("platform_admin", {"region": "nation"}, 400, "region"),
        ("jinshui", {"region": "zhengzhou"}, 404, None),
        ("jinshui", {"region": "zhongyuan"}, 404, None),
        ("kaifeng", {"region": "zhengzhou"}, 404, None),
        ("province", {"region": 999999}, 404, None),
    ],
)
def test_rollup_bad_queries(bureaus, api, entered, reader, query, expected, named):
    if query.get("region") in bureaus.regions:
        query = {**query, "region": bureaus.regions[query["region"]].pk}
    for path in ("rollup", "statistics.xlsx", "statistics.pdf", "trend", "completeness"):
        if path in ("trend",) and "period" in query:
            continue
        status, body = api[reader]("get", f"{base(entered)}/{path}", query)
        if path == "completeness" and query.get("period") == "2019-01":
            assert status == 400
            continue
        assert status == expected, (path, body)
        if named:
            assert named in fields(body), (path, body)


def test_trend_and_completeness(bureaus, api, entered):
    status, body = api["zhengzhou"]("get", f"{base(entered)}/trend")
    assert status == 200
    assert len(body) == 12
    assert body[2]["period"] == "2020-03"
    assert body[2]["together"]["smes_helped"] == 5
    assert body[3]["entered"]["smes_helped"] == 4
    assert body[3]["counted"]["smes_helped"] == 0
    services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=entered,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )
    status, body = api["zhengzhou"]("get", f"{base(entered)}/completeness", {"period": "2020-03"})
    assert status == 200
    total = body[-1]
    assert total["is_total"] is True
    assert total["region"]["code"] == "410100"
    assert total["received"] == 1
    assert total["expected"] == 2  # March's deadline has long passed
    assert total["received_rate"] == 0.5
    status, body = api["zhengzhou"]("get", f"{base(entered)}/completeness", {"period": "total"})
    assert (status, fields(body)) == (400, ["period"])


def test_statistics_files(bureaus, api, entered):
    status, content = api["province"](
        "get", f"{base(entered)}/statistics.xlsx", {"period": "2020-03"}
    )
    assert status == 200
    response = api["province"].last
    assert "statistics-2020-410000-2020-03.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(content)).active
    texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "郑州市" in texts
    assert "合计" in texts
    status, content = api["zhengzhou"]("get", f"{base(entered)}/statistics.pdf")
    assert status == 200
    assert api["zhengzhou"].last["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF")


def test_a_campaign_not_seen_is_not_found(bureaus, api, campaign):
    city = services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州市计量服务",
        year=2020,
        period_type="yearly",
    )
    for path in ("", "/periods", "/quotas", "/rollup", "/trend", "/reports", "/values?period=2020"):
        assert api["kaifeng"]("get", f"{base(city)}{path}")[0] == 404, path
    assert api["province"]("get", f"{base(city)}/rollup")[1]["region"]["code"] == "410100"
    assert api["province"]("get", "/campaigns/999999")[0] == 404
    assert Campaign.objects.count() == 2
