"""Searching the index: the query's words, each widened by its synonyms, matched on the
database's full-text index, ranked, with highlighted snippets.

A result should contain every word of the query ("minimum should match" of all groups); when
that finds fewer than ``limit`` results, the search asks for one word fewer (any of them),
then fewer again, down to one, each round ranked below the rounds before. The query text is
never handed to the database's query syntax: each term is a bound parameter
(``plainto_tsquery``) or a quoted FTS5 string, joined by operators this module writes.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations, islice, product
from pathlib import Path

from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from jiliang.experts.choices import SearchKind
from jiliang.experts.search.segmentation import terms, words

SYNONYMS = Path(__file__).resolve().parent.parent / "fixtures" / "synonyms.json"
QUERY_MAX_LENGTH = 200
# At most this many words of a query become groups (the longest: in Chinese a longer word is
# the more specific one), so that "all but k" stays a handful of combinations.
MAX_GROUPS = 6
# At most this many ways of a query word written apart (its shorter words and their synonyms).
MAX_APART = 4
# Each round takes this many of the database's best and orders them by their titles.
POOL = 50
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 20
URL_NAMES = {
    SearchKind.FAQ: "knowledge:entry_detail",
    SearchKind.CASE: "knowledge:case_detail",
    SearchKind.CONSULTATION: "consultations:detail",
}
# Among titles holding as many of the words, the common questions a bureau edited come before
# the public questions and cases (whose answers nobody curated).
CURATED = f"CASE WHEN s.kind = '{SearchKind.FAQ.value}' THEN 1 ELSE 0 END"
# PostgreSQL: the weights of {D, C, B, A}; titles are A, texts B.
PG_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# PostgreSQL: document frequencies are counted up to this many rows.
DF_CAP = 1000
# SQLite: bm25's weights of the FTS5 columns (title_terms, body_terms).
FTS_WEIGHTS = (10.0, 1.0)


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: SafeString  # escaped text around the matches, each in <mark>
    title_html: SafeString
    score: float


@cache
def synonyms() -> dict[str, frozenset[str]]:
    """Each term → the terms equivalent to it, both ways (synonyms.json lists term → others).
    Two terms listed for a third are not made equivalent to each other: 校验 may mean 检定 or
    校准, which are not the same thing."""
    if not SYNONYMS.exists():
        return {}
    listed = json.loads(SYNONYMS.read_text(encoding="utf-8"))
    equivalent: dict[str, set[str]] = {}
    for term, others in listed.items():
        term, others = term.lower(), {other.lower() for other in others} - {term.lower()}
        equivalent.setdefault(term, set()).update(others)
        for other in others:
            equivalent.setdefault(other, set()).add(term)
    return {term: frozenset(family) for term, family in equivalent.items()}


# A group: the alternatives a result may contain for one query word; an alternative is the
# terms (one, or those a multi-word synonym cuts into) that must all be there.
Group = tuple[tuple[str, ...], ...]


def groups(text: str) -> list[Group]:
    """The query's word groups, widened by synonyms (the word typed first)."""
    found = words(text[:QUERY_MAX_LENGTH])
    kept = set(sorted(found, key=len, reverse=True)[:MAX_GROUPS])
    result = []
    for word in (word for word in found if word in kept):
        alternatives = {(word,): None}
        for synonym in sorted(synonyms().get(word, ())):
            cut = tuple(words(synonym))
            if cut:
                alternatives[cut] = None
        alternatives.update(dict.fromkeys(_apart(word)))
        result.append(tuple(alternatives))
    return result


def _apart(word: str) -> list[tuple[str, ...]]:
    """A word found written apart: 检定周期 in …检定吗？周期多长？, 强检目录 in 强制检定目录 —
    the shorter words inside it together, each also as its synonyms (a few combinations)."""
    parts = [part for part in dict.fromkeys(terms(word)) if part != word]
    if not parts:
        return []
    options = [
        [(part,), *(tuple(words(synonym)) for synonym in sorted(synonyms().get(part, ())))]
        for part in parts
    ]
    combined = (sum(choice, ()) for choice in product(*options))
    return [alternative for alternative in islice(combined, MAX_APART) if alternative]


def search(text: str, *, kinds=None, field: str | None = None, limit: int = 20) -> list[Hit]:
    """The best ``limit`` results for ``text`` (none for a query without words)."""
    query_groups = groups(text or "")
    fit = TitleFit(query_groups)
    rows: list[tuple] = []
    rarity: dict[int, float] = {}  # PostgreSQL: each group's idf, counted once per search
    for required in range(len(query_groups), 0, -1):
        needed = limit - len(rows)
        if needed <= 0:
            break
        seen = [row[0] for row in rows]
        pool = _match(query_groups, required, kinds, field, max(needed, POOL), seen, rarity)
        rows += sorted(pool, key=fit.key)[:needed]
    return [_hit(row, fit.pattern) for row in rows]


class TitleFit:
    """The order within a round: the database ranks the candidates, then a title holding more
    of the query's words comes first, a common question before others, and then the title made
    most of them (the words typed count fully, their synonyms half). A question is found by its
    title: this puts 什么是强制检定？ above 现行的强制检定目录是哪一个文件？ for 什么叫强检,
    on both databases alike."""

    def __init__(self, query_groups):
        self.groups = query_groups
        self.weights: dict[str, float] = {}
        for group in query_groups:
            for position, alternative in enumerate(group):
                for term in alternative:
                    weight = 1.0 if position == 0 else 0.5
                    self.weights[term] = max(self.weights.get(term, 0), weight)
        self.pattern = _pattern(self.weights)

    def key(self, row) -> tuple:
        title, score = row[3].lower(), row[5]
        covered = sum(
            any(all(term in title for term in alternative) for alternative in group)
            for group in self.groups
        )
        # .get: case-insensitive matching may pair a word with another spelling (ſ for s).
        matched = sum(len(m[0]) * self.weights.get(m[0], 0.5) for m in self.pattern.finditer(title))
        letters = sum(char.isalnum() for char in title) or 1
        curated = row[1] == SearchKind.FAQ
        return (-covered, not curated, -round(matched / letters, 2), -score)


def suggest(text: str, limit: int = 5) -> list[Hit]:
    """Answers to suggest while a question is typed: the same search, fewer rows."""
    return search(text, limit=limit)


def _match(query_groups, required, kinds, field, limit, seen, rarity) -> list[tuple]:
    """Rows (id, kind, object_id, title, body, score) matching at least ``required`` groups."""
    chosen = list(combinations(query_groups, required))
    filters, params = [], []
    if kinds:
        filters.append(f"s.kind IN ({', '.join(['%s'] * len(kinds))})")
        params += list(kinds)
    if field:
        filters.append("s.field = %s")
        params.append(field)
    if seen:
        filters.append(f"s.id NOT IN ({', '.join(['%s'] * len(seen))})")
        params += seen
    where = "".join(f" AND {condition}" for condition in filters)
    cover, cover_params = _title_cover(query_groups)
    if connection.vendor == "postgresql":
        expression, expression_params = _tsquery(chosen)
        weight, weight_params = _pg_weight(query_groups, required, rarity)
        # The rank reads each row's whole tsvector: only rows whose title holds none of the
        # words need it to be ordered, and the rows kept get it for the order in Python.
        sql = (
            "SELECT id, kind, object_id, title, body, ts_rank_cd(%s, search_vector, query) "
            "FROM (SELECT s.id, s.kind, s.object_id, s.title, s.body, s.search_vector, q.query "
            f"FROM experts_searchentry s, (SELECT {expression} AS query) q "
            f"WHERE s.search_vector @@ q.query{where} "
            f"ORDER BY {cover} DESC, {CURATED} DESC, {weight}length(s.title), "
            f"CASE WHEN {cover} > 0 THEN 0 ELSE ts_rank_cd(%s, s.search_vector, q.query) END "
            "DESC, s.id LIMIT %s) kept"
        )
        params = [
            PG_WEIGHTS, *expression_params, *params, *cover_params, *weight_params,
            *cover_params, PG_WEIGHTS, limit,
        ]  # fmt: skip
    else:
        sql = (
            "SELECT s.id, s.kind, s.object_id, s.title, s.body, "
            "-bm25(experts_searchentry_fts, %s, %s) AS score "
            "FROM experts_searchentry_fts JOIN experts_searchentry s "
            "ON s.id = experts_searchentry_fts.rowid "
            f"WHERE experts_searchentry_fts MATCH %s{where} "
            f"ORDER BY {cover} DESC, {CURATED} DESC, length(s.title), score DESC, s.id LIMIT %s"
        )
        params = [*FTS_WEIGHTS, _fts_expression(chosen), *params, *cover_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _title_cover(query_groups) -> tuple[str, list[str]]:
    """SQL counting the groups whose words are all in the title (as ``TitleFit`` counts them:
    substrings of the title as written, lowercased; the words bound as parameters)."""
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    parts, params = [], []
    for alternatives in query_groups:
        each = []
        for alternative in alternatives:
            each.append(" AND ".join([f"{find}(lower(s.title), %s) > 0"] * len(alternative)))
            params += list(alternative)
        parts.append(
            "CASE WHEN " + " OR ".join(f"({part})" for part in each) + " THEN 1 ELSE 0 END"
        )
    return "(" + " + ".join(parts) + ")", params


def _fts_quote(term: str) -> str:
    """An FTS5 string: whatever it holds is text to match, never an operator."""
    return '"' + term.replace('"', '""') + '"'


def _fts_expression(chosen) -> str:
    def group(alternatives):
        return "(" + " OR ".join(" AND ".join(map(_fts_quote, alt)) for alt in alternatives) + ")"

    return " OR ".join("(" + " AND ".join(map(group, combo)) + ")" for combo in chosen)


def _group_tsquery(alternatives) -> tuple[str, list[str]]:
    """``plainto_tsquery('simple', %s)`` per term: && within an alternative, || between."""
    parts = [" && ".join(["plainto_tsquery('simple', %s)"] * len(alt)) for alt in alternatives]
    return "(" + " || ".join(f"({part})" for part in parts) + ")", [
        t for a in alternatives for t in a
    ]


def _tsquery(chosen) -> tuple[str, list[str]]:
    """The tsquery of ``chosen`` (combinations of groups: || between, && within)."""
    combos, params = [], []
    for combo in chosen:
        groups_sql = []
        for alternatives in combo:
            sql, group_params = _group_tsquery(alternatives)
            groups_sql.append(sql)
            params += group_params
        combos.append("(" + " && ".join(groups_sql) + ")")
    return " || ".join(combos), params


def _pg_weight(query_groups, required, rarity) -> tuple[str, list]:
    """PostgreSQL's ranks know nothing of how rare a word is, which matters once results may
    miss a word: a row then first weighs the inverse document frequency of the words it has
    (BM25's idf, from counts capped at ``DF_CAP`` rows, which keeps them cheap). Returns an
    ORDER BY term and its parameters (none when every group is required)."""
    if required == len(query_groups):
        return "", []
    if not rarity:
        rarity.update(enumerate(_pg_idf(query_groups)))
    parts, params = [], []
    for number, alternatives in enumerate(query_groups):
        sql, group_params = _group_tsquery(alternatives)
        parts.append(f"CASE WHEN s.search_vector @@ {sql} THEN %s ELSE 0 END")
        params += [*group_params, rarity[number]]
    return "(" + " + ".join(parts) + ") DESC, ", params


def _pg_idf(query_groups) -> list[float]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'experts_searchentry'")
        total = max(cursor.fetchone()[0], DF_CAP)
        idf = []
        for alternatives in query_groups:
            sql, params = _group_tsquery(alternatives)
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM experts_searchentry s "
                f"WHERE s.search_vector @@ {sql} LIMIT %s) found",
                [*params, DF_CAP],
            )
            idf.append(math.log((total + 1) / (cursor.fetchone()[0] + 0.5)))
    return idf


def _hit(row, pattern) -> Hit:
    _id, kind, object_id, title, body, score = row
    return Hit(
        kind=kind,
        object_id=object_id,
        title=title,
        url=reverse(URL_NAMES[kind], args=[object_id]),
        snippet=snippet(body, pattern),
        title_html=highlight(title, pattern),
        score=float(score),
    )


def _pattern(terms) -> re.Pattern | None:
    if not terms:
        return None
    ordered = sorted(terms, key=len, reverse=True)  # the longest match wins at a position
    return re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """``text`` escaped, every match of ``pattern`` in <mark>."""
    return mark_safe(_marked(text, pattern, 0, len(text)))


def _marked(text, pattern, start, end) -> str:
    parts, position = [], start
    for match in pattern.finditer(text, start, end) if pattern else ():
        parts += [
            html.escape(text[position : match.start()]),
            f"<mark>{html.escape(match[0])}</mark>",
        ]
        position = match.end()
    parts.append(html.escape(text[position:end]))
    return "".join(parts)


def snippet(text: str, pattern: re.Pattern | None, length: int = SNIPPET_LENGTH) -> SafeString:
    """The passage of ``length`` characters of ``text`` holding the most different matches
    (then the most matches), escaped, with the matches marked and … where text is left out."""
    matches = list(pattern.finditer(text)) if pattern else []
    best_start, best = 0, (0, 0)
    for first in matches[:200]:
        start = max(0, first.start() - SNIPPET_LEAD)
        inside = [m[0].lower() for m in matches if start <= m.start() and m.end() <= start + length]
        if (len(set(inside)), len(inside)) > best:
            best_start, best = start, (len(set(inside)), len(inside))
    end = min(len(text), best_start + length)
    start = max(0, end - length) if end == len(text) else best_start
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _marked(text, pattern, start, end) + suffix)
