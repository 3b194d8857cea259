"""Chinese word segmentation with jieba, shared by the index and the queries.

Chinese is written without spaces, so both the indexed text and the query are cut into words
by the same tokenizer, loaded once per process with the metrology dictionary
(``fixtures/metrology-words.txt``) so that 压力表, 强制检定 or 测量管理体系 stay whole. The
index stores ``cut_for_search`` terms (the words and the shorter words inside them), so a query
word matches inside a longer indexed word too; the database's own tokenizer then only splits
the space-joined terms.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from pathlib import Path

import jieba

USER_DICTIONARY = Path(__file__).resolve().parent.parent / "fixtures" / "metrology-words.txt"

# Function words and question words that every question contains: matching on them would rank
# by how a question is phrased instead of what it asks. Kept short on purpose: words such as
# 多久, 多少 or 需要 carry meaning (a period, a fee, an obligation) and stay.
STOPWORDS = frozenset({
    "的", "了", "吗", "呢", "吧", "啊", "呀", "么", "是", "在", "和", "与", "及", "或", "把",
    "被", "对", "就", "都", "也", "还", "又", "要", "我", "我们", "你", "您", "请问", "一下",
    "一次", "怎么", "怎么办", "怎样", "什么", "如何", "哪些", "哪个", "为什么", "是否",
    "有", "有没有", "可以", "能", "能否", "叫", "意思",
})  # fmt: skip

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer, with the metrology words (loaded on first use, ~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                loaded = jieba.Tokenizer()
                loaded.initialize()
                if USER_DICTIONARY.exists():
                    loaded.load_userdict(str(USER_DICTIONARY))
                _tokenizer = loaded
    return _tokenizer


def _is_word(token: str) -> bool:
    """Not whitespace nor punctuation only (Unicode categories P*, S*, Z*, C*)."""
    return any(unicodedata.category(char)[0] in "LN" for char in token)


# Latin letters and digits written together (ISO10012, PT100) are split as where they are
# written apart (ISO 10012), so that both spellings find each other.
LATIN_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+(?:\.[0-9]+)*")


def _keep(tokens) -> list[str]:
    words = []
    for token in tokens:
        token = token.strip().lower()
        if not token or not _is_word(token) or token in STOPWORDS:
            continue
        if token.isascii():
            words += LATIN_OR_DIGITS.findall(token) or [token]
        else:
            words.append(token)
    return words


def terms(text: str) -> list[str]:
    """The search terms of ``text``: jieba's search-mode cut, lowercased, without punctuation,
    whitespace and stopwords (repeats kept: they weigh in the ranking)."""
    return _keep(tokenizer().cut_for_search(text or ""))


def words(text: str) -> list[str]:
    """The words of a query, cut precisely (压力表, not also 压力 and 力表), once each in order:
    each becomes one group the results should match."""
    return list(dict.fromkeys(_keep(tokenizer().cut(text or ""))))


def index_text(text: str) -> str:
    """``terms`` joined by spaces, as the index stores them."""
    return " ".join(terms(text))
