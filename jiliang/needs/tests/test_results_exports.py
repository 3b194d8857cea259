"""Every response as xlsx and CSV: Chinese headers and labels, one row per response, one
column per answer; read in chunks of a fixed number of queries, whatever the number of
responses."""

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jiliang.core.models import DocumentJob
from jiliang.needs import export_jobs, exports
from jiliang.needs.choices import ResponseSource
from jiliang.needs.selectors import results as selectors
from jiliang.needs.tests.results_data import START, build_survey, respond


@pytest.fixture(scope="module")
def survey(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_survey()
        transaction.set_rollback(True)


def read_xlsx(content: bytes) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()


def by_header(rows) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.django_db
def test_the_xlsx_has_a_row_per_response_and_a_column_per_answer(survey, client):
    client.force_login(survey.users["province"])
    q = survey.questionnaire
    response = client.get(reverse("survey_results:export_xlsx", args=[q.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(b"".join(response.streaming_content))
    # In the site's language, Chinese (these six are translated already).
    assert rows[0][:6] == ["企业", "统一社会信用代码", "区域", "所属行业", "企业规模", "来源"]
    assert rows[0][7:12] == [
        "是否有计量室",
        "计量室人数",
        "需要哪些服务 - 培训",
        "需要哪些服务 - 检定校准",
        "需要哪些服务 - 政策",
    ]
    assert "需要哪些服务 - 其他" in rows[0]
    assert "满意度 - 速度" in rows[0]
    assert "满意度 - 价格" in rows[0]
    lines = {line["企业"]: line for line in by_header(rows)}
    assert set(lines) == {"企业A", "企业B", "企业C"}  # the draft of D left out
    a, b, c = lines["企业A"], lines["企业B"], lines["企业C"]
    assert a["是否有计量室"] == "是"
    assert a["计量室人数"] == 4
    assert (a["需要哪些服务 - 培训"], a["需要哪些服务 - 检定校准"], a["需要哪些服务 - 政策"]) == (
        1,
        1,
        0,
    )
    assert a["满意度 - 速度"] == "5"
    assert a["其他意见"] == "需要培训"
    assert a["区域"] == "金水区"
    assert a["所属行业"] == "C 制造业"
    assert rows[1 + [row[0] for row in rows[1:]].index("企业A")][6] == "2026-05-01 09:00"
    assert b["需要哪些服务 - 其他"] == "能源计量"
    assert b["满意度 - 价格"] == ""
    assert c["来源"] == str(ResponseSource.PAPER.label)
    assert c["需要哪些服务 - 培训"] == 0
    assert c["计量器具数量"] == ""  # hidden by skip logic: empty, not 0
    assert c["统一社会信用代码"] == survey.organisations["c"].uscc


@pytest.mark.django_db
def test_the_csv_carries_a_bom_and_the_same_cells(survey, client):
    client.force_login(survey.users["zhengzhou"])
    client.cookies["django_language"] = "en"
    q = survey.questionnaire
    response = client.get(reverse("survey_results:export_csv", args=[q.pk]), {"industry": "C"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    lines = by_header(rows)
    # 郑州市 reads its subtree, filtered to manufacturing: A only.
    assert [line["Enterprise"] for line in lines] == ["企业A"]
    assert lines[0]["需要哪些服务 - 检定校准"] == "1"
    assert lines[0]["Industry"] == "C Manufacturing"


@pytest.mark.django_db
def test_responses_are_read_in_chunks_of_a_fixed_number_of_queries(
    survey, monkeypatch, django_assert_num_queries
):
    q = survey.questionnaire
    for number in range(4):  # 3 + 4 = 7 responses: chunks of 2 → 4 chunks and an empty read
        enterprise = survey.organisations["e"] if number == 0 else _enterprise(survey, number)
        respond(q, enterprise, {"has_lab": "no", "needs": ["policy"]}, submitted=START)
    monkeypatch.setattr(exports, "CHUNK", 2)
    user = survey.users["province"]
    responses = selectors.responses_for_results(user, q, selectors.Filters())
    # Questions and choices (2); per chunk the responses and their answers (2 × 4); the end (1).
    with django_assert_num_queries(2 + 2 * 4 + 1):
        table = exports.Table(q, responses)
        rows = list(table.rows())
    assert len(rows) == 7


def _enterprise(survey, number):
    from jiliang.needs.tests.results_data import _organisation

    return _organisation(
        survey.users["admin"], "enterprise", f"企业{number}", "410200", 50 + number, "C", "small"
    )


@pytest.mark.django_db
def test_a_large_export_is_made_by_a_document_job(
    survey, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export_jobs, "XLSX_AT_ONCE", 2)
    client.force_login(survey.users["zhengzhou"])
    url = reverse("survey_results:export_xlsx", args=[survey.questionnaire.pk])
    page = client.get(url)  # 郑州's two responses (a and b): at once
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    monkeypatch.setattr(export_jobs, "XLSX_AT_ONCE", 1)
    page = client.get(url)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    job = DocumentJob.objects.get(created_by=survey.users["zhengzhou"])
    assert started.status_code == 302
    assert started["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE, job.error
    rows = read_xlsx(job.file.read())
    # The job reads as the user who asked: 郑州's two responses.
    assert sorted(row[0] for row in rows[1:]) == ["企业A", "企业B"]
