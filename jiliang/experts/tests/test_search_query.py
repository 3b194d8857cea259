"""Segmentation, the query (minimum should match, synonyms, filters), hostile input and the
highlighted snippets, on whichever database the suite runs on."""

import re

import pytest
from django.core.management import call_command

from jiliang.experts.choices import SearchKind
from jiliang.experts.models import SearchEntry
from jiliang.experts.search import index, query, segmentation
from jiliang.experts.search.query import search, snippet, suggest

pytestmark = pytest.mark.django_db

ENTRIES = [
    (1, "一般压力表的检定周期是多长？", "一般压力表的检定周期一般不超过6个月。", "mechanics"),
    (
        2,
        "电子秤多久要检一次？",
        "用于贸易结算的电子计价秤属于强制检定，检定周期为1年。",
        "mechanics",
    ),
    (3, "什么是测量管理体系？", "测量管理体系依据GB/T 19022（ISO 10012）建立。", ""),
    (4, "热电偶怎么校准？", "工作用热电偶按JJF 1637校准，周期一般一年。", "thermal"),
]
HOSTILE = [
    '" OR 1=1 --',
    "'; DROP TABLE experts_searchentry; --",
    "NEAR(",
    "NEAR(压力 表, 2)",
    "*",
    "压力*",
    "AND",
    "压力 AND OR NOT",
    '"压力表',
    '压力表""\'',
    "title_terms:压力",
    "{title_terms}: 压力",
    "^压力",
    "!!! ？？？ 。。。",
    "压力表" * 200,
    "检定 " * 150,
    "\\",
    "%_%",
    "压力 & 表 | !周期 <-> :*",
]


@pytest.fixture
def indexed(db):
    for object_id, title, body, field in ENTRIES:
        index.index_entry(SearchKind.FAQ, object_id, title, body, field)


def test_segmentation_keeps_words_and_drops_punctuation_and_stopwords():
    assert segmentation.words("压力表 多久检定一次？") == ["压力表", "多久", "检定"]
    terms = segmentation.terms("一般压力表的检定周期是多长？")
    assert {"压力表", "压力", "检定", "周期"} <= set(terms)
    assert not {"的", "是", "？"} & set(terms)
    assert segmentation.terms("ISO10012 与 Pt100") == ["iso", "10012", "pt", "100"]
    assert segmentation.index_text("！！！ 。") == ""


def test_the_example_query_finds_the_question(indexed):
    hits = search("压力表 多久检定一次")
    assert hits[0].object_id == 1
    assert hits[0].url == "/knowledge/entries/1/"
    assert "<mark>压力表</mark>" in hits[0].snippet
    assert "<mark>压力表</mark>" in hits[0].title_html


def test_fewer_words_are_required_when_all_of_them_find_too_little(indexed):
    # 汽车 is nowhere: every result misses one word, ranked below none that has them all.
    hits = search("汽车 压力表 周期")
    assert hits[0].object_id == 1
    assert search("汽车 火车") == []


def test_a_full_match_ranks_above_a_partial_one(indexed):
    hits = search("电子秤 检定周期")
    assert [hit.object_id for hit in hits][:1] == [2]


def test_synonyms_widen_a_word(indexed, monkeypatch):
    monkeypatch.setattr(query, "synonyms", lambda: {"强检": frozenset({"强检", "强制检定"})})
    assert [hit.object_id for hit in search("强检")] == [2]


def test_kinds_and_fields_filter(indexed):
    index.index_entry(SearchKind.CASE, 9, "压力表检定案例", "压力表送检。", "mechanics")
    assert {hit.kind for hit in search("压力表", kinds=[SearchKind.CASE])} == {"case"}
    assert [hit.object_id for hit in search("周期", field="thermal")] == [4]


def test_suggest_gives_fewer_rows(indexed):
    assert len(suggest("检定 周期 校准", limit=2)) == 2


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_errors_nor_changes_anything(indexed, text):
    hits = search(text)
    assert all(hit.kind == "faq" for hit in hits)
    assert SearchEntry.objects.count() == len(ENTRIES)


def test_an_empty_query_finds_nothing(indexed):
    for text in ("", "   ", "的 了 吗", "？！"):
        assert search(text) == []


def test_the_snippet_is_the_best_window_escaped_and_marked():
    text = "<b>开头</b>" + "无关的话。" * 40 + "压力表的检定周期是半年。" + "结尾" * 80
    pattern = re.compile("压力表|检定|周期")
    html = snippet(text, pattern)
    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>压力表</mark>的<mark>检定</mark><mark>周期</mark>" in html
    assert "<b>" not in html
    assert "&lt;b&gt;" in snippet(text, None)  # no match: the beginning, escaped
    assert len(re.sub("<[^>]+>", "", html)) <= query.SNIPPET_LENGTH + 2


def test_a_consultation_is_searchable_only_public_and_answered(world):
    from jiliang.experts.tests.knowledge_world import answered_consultation

    consultation = answered_consultation(world)
    assert search("热电偶 校准")[0].object_id == consultation.pk
    consultation.is_public = False
    index.index_consultation(consultation)
    assert search("热电偶 校准") == []
    consultation.is_public = True
    index.index_consultation(consultation)
    assert index.reindex_all() == 1


def test_indexing_a_new_answer_is_one_upsert(indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        index.index_entry(SearchKind.CONSULTATION, 77, "电能表多久检定", "电能表检定周期见规程。")


def test_the_reindex_command_rebuilds_the_index(indexed, capsys):
    SearchEntry.objects.update(title_terms="", body_terms="")
    call_command("reindex_knowledge")
    assert "0 entries indexed." in capsys.readouterr().out  # nothing published behind them
    assert not SearchEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("word", "other"), [("电能表", "压力表"), ("压力表", "电能表")])
def test_the_index_survives_the_test_flush(word, other):
    """Django empties the tables after a transactional test (DELETE on SQLite, TRUNCATE on
    PostgreSQL): the second round finds its own row only, not the first round's words (on
    SQLite the row may even reuse the first one's id), the full-text index in step."""
    index.index_entry(SearchKind.FAQ, 1, f"{word}多久检定一次", "检定周期")
    assert [hit.title for hit in search(word)] == [f"{word}多久检定一次"]
    assert search(other) == []


def test_odd_spellings_in_titles_do_not_break_the_order(indexed):
    index.index_entry(SearchKind.FAQ, 8, "ſ压力表 Kelvin", "<script>压力表</script>")
    hits = search("s 压力表")
    assert 8 in [hit.object_id for hit in hits]
    assert "<script>" not in "".join(hit.snippet for hit in hits)
