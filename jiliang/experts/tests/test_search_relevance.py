"""Relevance over the demo knowledge base: every realistic query of fixtures/
knowledge-queries.json must rank the common question it is after in the top three."""

import json
from pathlib import Path

import pytest

from jiliang.experts.choices import SearchKind
from jiliang.experts.search.index import index_entry
from jiliang.experts.search.query import search

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KNOWLEDGE_BASE = json.loads((FIXTURES / "knowledge-base.json").read_text(encoding="utf-8"))
QUERIES = json.loads((FIXTURES / "knowledge-queries.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def indexed(module_db):
    """The fixture's entries in the index (ids are their positions), once for the module."""
    for number, item in enumerate(KNOWLEDGE_BASE, 1):
        index_entry(SearchKind.FAQ, number, item["question"], item["answer"], item["field"])


def test_the_fixtures_are_consistent():
    assert len(KNOWLEDGE_BASE) >= 150
    assert len(QUERIES) >= 40
    questions = {item["question"] for item in KNOWLEDGE_BASE}
    assert len(questions) == len(KNOWLEDGE_BASE)
    assert {case["expected"] for case in QUERIES} <= questions


@pytest.mark.parametrize("case", QUERIES, ids=[case["query"] for case in QUERIES])
def test_the_expected_answer_ranks_in_the_top_three(indexed, db, case):
    titles = [hit.title for hit in search(case["query"], limit=3)]
    assert case["expected"] in titles, titles
