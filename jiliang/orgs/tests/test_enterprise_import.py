"""Importing an enterprise list: all or nothing, each problem naming its row and column."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.enterprise_import import enterprise_import
from jiliang.orgs.enterprise_selectors import enterprise_list
from jiliang.orgs.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "地区",
    "行业代码",
    "从业人员",
    "营业收入（万元）",
    "联系人",
]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    return "\n".join(",".join(map(str, row)) for row in rows).encode("utf-8-sig")


def good_rows():
    return [
        HEADER,
        ["郑州新材料有限公司", demo_uscc("91", "410105", 501), "金水区", "30", 120, 3500, "王工"],
        ["郑州精测仪器有限公司", demo_uscc("91", "410105", 502), "410105", "40", 18, 900.5, ""],
    ]


def run(world, rows, actor="regulator_above", maker=xlsx, name="list.xlsx"):
    return enterprise_import(actor=world.users[actor], content=maker(rows), filename=name)


def test_a_bureau_imports_an_xlsx_list_with_profiles(world):
    created = run(world, good_rows())
    assert [o.name for o in created] == ["郑州新材料有限公司", "郑州精测仪器有限公司"]
    first = Organisation.objects.select_related("profile", "region").get(name="郑州新材料有限公司")
    assert (first.region.code, first.industry, first.size_class) == ("410105", "C", "small")
    assert (first.profile.industry_code, first.profile.employees) == ("30", 120)
    second = Organisation.objects.get(name="郑州精测仪器有限公司")
    assert second.size_class == "micro"  # 工业: fewer than 20 employees
    found = enterprise_list(user=world.users["regulator_above"], q="精测", division="40")
    assert [o.name for o in found] == ["郑州精测仪器有限公司"]  # a Chinese part of the name


def test_a_csv_list_too(world):
    assert len(run(world, good_rows(), maker=csv_bytes, name="list.csv")) == 2


def problems(world, rows, **kwargs):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        run(world, rows, **kwargs)
    assert Organisation.objects.count() == before  # nothing saved
    return error.value.message_dict


def test_a_bad_code_names_its_row_and_column_and_nothing_is_saved(world):
    rows = good_rows()
    rows[2][1] = rows[2][1][:-1] + ("0" if rows[2][1][-1] != "0" else "1")
    found = problems(world, rows)
    assert list(found) == ["row 3: uscc"]
    assert found["row 3: uscc"][0].startswith("Row 3, 统一社会信用代码:")


def test_duplicates_in_the_file_and_in_the_database(world):
    rows = good_rows()
    rows.append(["重复企业", rows[1][1], "金水区", "30", 5, 10, ""])
    rows.append(["已登记企业", world.enterprise.uscc, "金水区", "30", 5, 10, ""])
    found = problems(world, rows)
    assert set(found) == {"row 4: uscc", "row 5: uscc"}
    assert "row 2" in found["row 4: uscc"][0]


def test_numbers_regions_and_codes_are_checked(world):
    rows = good_rows()
    rows[1][4] = "-3"
    rows[1][5] = "很多"
    rows[2][2] = "鼓楼区"  # 开封's: outside 郑州市's subtree (and a name several cities use)
    rows[2][3] = "99"
    found = problems(world, rows)
    assert set(found) == {
        "row 2: employees",
        "row 2: revenue",
        "row 3: region",
        "row 3: industry_code",
    }


def test_missing_columns_are_named(world):
    found = problems(world, [["企业名称", "地区"], ["某企业", "金水区"]])
    assert "统一社会信用代码" in found["file"][0] or "credit code" in found["file"][0]


@pytest.mark.parametrize("actor", ["same_enterprise", "institution"])
def test_only_bureaus_import(world, actor):
    with pytest.raises(PermissionDenied):
        run(world, good_rows(), actor=actor)


def test_the_api_answers_400_with_the_rows(world):
    client = world.client_for("regulator_above", api=True, language="en")
    rows = good_rows()
    rows[1][1] = "123"
    upload = io.BytesIO(xlsx(rows))
    upload.name = "list.xlsx"
    response = client.post("/api/v1/enterprises/import", {"file": upload})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "row 2: uscc"
    upload = io.BytesIO(xlsx(good_rows()))
    upload.name = "list.xlsx"
    response = client.post("/api/v1/enterprises/import", {"file": upload})
    assert (response.status_code, response.json()) == (201, {"created": 2})


def test_the_import_page_lists_the_problems(world):
    client = world.client_for("regulator_above", language="en")
    rows = good_rows()
    rows[1][1] = "123"
    upload = io.BytesIO(xlsx(rows))
    upload.name = "list.xlsx"
    response = client.post(reverse("orgs:enterprise_import"), {"file": upload})
    assert response.status_code == 200
    assert "Row 2, 统一社会信用代码" in response.content.decode()


def test_the_command_imports_or_prints_the_problems(world, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "list.xlsx"
    good.write_bytes(xlsx(good_rows()))
    out = io.StringIO()
    call_command("enterprises", "import", str(good), "--as", "regulator_above", stdout=out)
    assert "2 enterprises imported" in out.getvalue()
    bad = tmp_path / "again.csv"
    bad.write_bytes(csv_bytes(good_rows()))  # the same codes: already there
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("enterprises", "import", str(bad), stdout=out)
    assert "Row 2, 统一社会信用代码" in out.getvalue()
