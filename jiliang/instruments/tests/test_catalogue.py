"""The shipped 2020 catalogue and the mandatory decision: the fixture loader, its SQL twin, and
how the ledger, the API, the export and the enterprise's to-dos show "cannot decide"."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from jiliang.core.dashboards import DashboardRole, registry
from jiliang.instruments import catalogue, parsing
from jiliang.instruments.choices import MANDATORY_PURPOSES, MandatoryStatus, Purpose
from jiliang.instruments.models import CatalogueItem, Instrument, LedgerImport
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.instruments.tests.test_import_ui import english_client, upload
from jiliang.instruments.tests.test_importing import workbook

pytestmark = pytest.mark.usefixtures("english")
UNDECIDED_TODO = "Instruments whose mandatory verification cannot be decided"


def fixture_rows() -> list[dict]:
    with catalogue.FIXTURE.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def test_every_shipped_row_names_its_source_and_valid_values():
    rows = fixture_rows()
    assert all(row["source"] for row in rows)
    numbers = [row["number"] for row in rows if row["number"]]
    assert len(numbers) == len(set(numbers))
    assert len({(row["item"], row["category"]) for row in rows}) == len(rows)
    for row in rows:
        catalogue.fixture_values(row)  # purposes and numbers parse


@pytest.mark.django_db
def test_the_migration_loaded_the_pressure_gauge_as_item_16():
    gauge = CatalogueItem.objects.get(item="压力表")
    assert (gauge.number, gauge.supervision, gauge.scope_purposes) == (16, "强制检定", "safety")
    assert "yzmb888" in gauge.source
    assert CatalogueItem.objects.count() >= len(fixture_rows())


@pytest.mark.django_db
def test_loading_the_fixture_updates_rows_in_place_and_keeps_the_others(world):
    scale = CatalogueItem.objects.get(item="非自动衡器", category="电子计价秤")
    CatalogueItem.objects.filter(pk=scale.pk).update(supervision="", scope_purposes="", source="x")
    CatalogueItem.objects.filter(item="压力表").delete()
    own = CatalogueItem.objects.create(item="电能表", category="电能表", source="an admin's")
    used = add_instrument(world, name="电子计价秤", purpose="trade", catalogue_item=scale)

    catalogue.load_fixture(CatalogueItem)

    scale.refresh_from_db()
    assert (scale.supervision, scale.scope_purposes) == ("型式批准、强制检定", "trade")
    assert "yeyang91" in scale.source
    used.refresh_from_db()
    assert used.catalogue_item_id == scale.pk
    assert used.is_mandatory
    assert CatalogueItem.objects.filter(pk=own.pk).exists()
    assert CatalogueItem.objects.get(item="压力表").number == 16
    catalogue.load_fixture(CatalogueItem)  # idempotent
    assert CatalogueItem.objects.filter(item="压力表").count() == 1


def test_an_uploaded_table_gives_numbers_and_scopes_in_words():
    table = "序号,项目,种类,监管方式,强制检定的范围\n16,压力表,压力表,强制检定,安全防护、医疗卫生\n"
    (row,) = catalogue.parse_catalogue(table.encode(), "catalogue.csv")
    assert (row.values["number"], row.values["scope_purposes"]) == (16, "safety health")
    with pytest.raises(ValidationError, match="unknown purpose"):
        catalogue.parse_catalogue(table.replace("医疗卫生", "工艺控制").encode(), "c.csv")
    with pytest.raises(ValidationError, match="not a whole number"):
        catalogue.parse_catalogue(table.replace("16,", "十六,").encode(), "c.csv")


@pytest.fixture
def gauges(world):
    """A pressure gauge for safety protection, one for 其他, and a trade instrument the
    catalogue lacks."""
    gauge_item = catalogue.suggest("弹簧管压力表 Y-100", CatalogueItem.objects.all())
    assert gauge_item.item == "压力表"
    return {
        "safety": add_instrument(
            world, management_number="YL-1", name="弹簧管压力表", purpose="safety",
            catalogue_item=gauge_item, traceability="verification", interval_months=6,
        ),
        "other": add_instrument(
            world, management_number="YL-2", name="弹簧管压力表", purpose="other",
            catalogue_item=gauge_item, traceability="verification", interval_months=6,
        ),
        "undecided": add_instrument(
            world, management_number="DD-1", name="电导率仪", purpose="trade",
            traceability="verification",
        ),
    }  # fmt: skip


@pytest.mark.django_db
def test_gauges_and_an_item_the_catalogue_lacks(gauges):
    assert gauges["safety"].mandatory_status == MandatoryStatus.MANDATORY
    assert gauges["other"].mandatory_status == MandatoryStatus.NOT_MANDATORY
    assert gauges["undecided"].mandatory_status == MandatoryStatus.UNDECIDED


@pytest.mark.django_db
def test_the_sql_twin_agrees_with_the_decision_for_every_item_and_purpose(world):
    items = [None, *CatalogueItem.objects.all()]
    for number, (item, purpose) in enumerate(
        (item, purpose) for item in items for purpose in Purpose.values
    ):
        add_instrument(world, management_number=f"T-{number}", purpose=purpose, catalogue_item=item)
    instruments = Instrument.objects.select_related("catalogue_item")
    for status in MandatoryStatus.values:
        condition = Instrument.objects.mandatory_status_condition(status)
        in_sql = set(instruments.filter(condition).values_list("pk", flat=True))
        in_python = {i.pk for i in instruments if i.mandatory_status == status}
        assert in_sql == in_python, status
    assert Instrument.objects.filter(Instrument.objects.undecided_condition()).count() == (
        len(MANDATORY_PURPOSES) * (1 + CatalogueItem.objects.filter(supervision="").count())
    )


@pytest.mark.django_db
def test_the_ledger_shows_and_filters_undecided(world, gauges):
    client = world.client_for("same_enterprise")
    client.cookies["django_language"] = "en"  # the words as their msgids
    listed = client.get(reverse("instruments:instrument_list"), {"mandatory": "undecided"})
    assert [i.management_number for i in listed.context["object_list"]] == ["DD-1"]
    assert "Cannot decide" in listed.content.decode()
    no = client.get(reverse("instruments:instrument_list"), {"mandatory": "no"})
    assert [i.management_number for i in no.context["object_list"]] == ["YL-2"]
    yes = client.get(reverse("instruments:instrument_list"), {"mandatory": "yes"})
    assert [i.management_number for i in yes.context["object_list"]] == ["YL-1"]

    page = client.get(gauges["undecided"].get_absolute_url()).content.decode()
    assert 'id="mandatory-undecided"' in page
    assert "Cannot decide (无法判定)" in page
    assert 'id="choose-catalogue-item"' in page
    gauge = client.get(gauges["safety"].get_absolute_url()).content.decode()
    assert '<div class="alert alert-primary" role="note" id="mandatory-explanation">' in gauge

    dashboard = client.get(reverse("instruments:dashboard"))
    assert dashboard.context["summary"]["mandatory_undecided"] == 1
    assert 'id="summary-undecided"' in dashboard.content.decode()


@pytest.mark.django_db
def test_the_api_gives_the_status_and_filters_by_it(world, gauges):
    api = world.client_for("same_enterprise", api=True)
    rows = api.get("/api/v1/instruments").json()["items"]
    by_number = {row["management_number"]: row for row in rows}
    assert {number: (row["mandatory_status"], row["is_mandatory"]) for number, row in
            by_number.items()} == {
        "YL-1": ("mandatory", True),
        "YL-2": ("not_mandatory", False),
        "DD-1": ("undecided", False),
    }  # fmt: skip
    undecided = api.get("/api/v1/instruments", {"mandatory_status": "undecided"}).json()
    assert [row["management_number"] for row in undecided["items"]] == ["DD-1"]
    # The boolean filter keeps its meaning: false is "not under mandatory verification".
    not_mandatory = api.get("/api/v1/instruments", {"mandatory": "false"}).json()
    assert {row["management_number"] for row in not_mandatory["items"]} == {"YL-2", "DD-1"}
    assert api.get("/api/v1/instruments", {"mandatory_status": "maybe"}).status_code == 422
    assert api.get("/api/v1/instruments/summary").json()["mandatory_undecided"] == 1
    items = api.get("/api/v1/catalogue").json()["items"]
    gauge_item = next(row for row in items if row["item"] == "压力表")
    assert (gauge_item["number"], gauge_item["scope_purposes"]) == (16, ["safety"])


@pytest.mark.django_db
def test_the_export_says_undecided_and_reads_it_back_as_not_stated(world, gauges):
    response = world.client_for("same_enterprise").get(reverse("instruments:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row and "是否强检" in row)
    column, number = header.index("是否强检"), header.index("管理编号")
    said = {row[number]: row[column] for row in rows[rows.index(header) + 1 :]}
    assert said == {"YL-1": "是", "YL-2": "否", "DD-1": "无法判定"}
    assert parsing.parse_mandatory("无法判定") is None


@pytest.mark.django_db
def test_undecided_instruments_are_a_to_do_of_the_enterprise(world, gauges):
    todos = {
        str(todo.label): todo
        for todo in registry.todos(
            world.users["same_enterprise"], DashboardRole.ENTERPRISE, date(2026, 9, 28)
        )
    }
    (label,) = [label for label in todos if label.startswith(UNDECIDED_TODO)]
    assert todos[label].count == 1
    assert todos[label].url.endswith("?mandatory=undecided")
    gauges["undecided"].catalogue_item = CatalogueItem.objects.get(category="电子计价秤")
    gauges["undecided"].save()
    todos = registry.todos(world.users["same_enterprise"], DashboardRole.ENTERPRISE, date.today())
    assert not [todo for todo in todos if str(todo.label).startswith(UNDECIDED_TODO)]


@pytest.mark.django_db
def test_the_import_preview_says_when_its_suggestion_cannot_decide(
    world, django_capture_on_commit_callbacks
):
    ledger = [
        ["管理编号", "器具名称", "用途", "检定周期"],
        ["YL-9", "弹簧管压力表", "安全防护", "6"],
        ["DD-9", "电导率仪", "贸易结算", "12"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        upload(english_client(world), workbook(("台账", ledger)))
    plan = LedgerImport.objects.get()
    assert [(w["row"], w["column"]) for w in plan.warnings] == [(3, "强制管理目录项")]
    assert plan.warnings[0]["message"].startswith("Cannot decide (无法判定)")
