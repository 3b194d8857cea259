"""Keeping the search index (``SearchEntry`` rows, and through them the database's full-text
index) in step with what is public: services call these after each change."""

from __future__ import annotations

from django.db import transaction

from jiliang.experts.choices import SearchKind
from jiliang.experts.models import Consultation, KnowledgeEntry, SearchEntry, TypicalCase
from jiliang.experts.search.segmentation import index_text


def index_entry(kind: str, object_id: int, title: str, body: str, field: str = "") -> None:
    """Add or replace the searchable text of one object (one upsert)."""
    row = SearchEntry(
        kind=kind,
        object_id=object_id,
        title=title[:300],
        body=body,
        field=field,
        title_terms=index_text(title),
        body_terms=index_text(body),
    )
    SearchEntry.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["title", "body", "field", "title_terms", "body_terms", "updated"],
    )


def remove_entry(kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def consultation_answers(consultation: Consultation) -> list[str]:
    """The accepted answer, else every expert's answer, in the thread's order."""
    if consultation.accepted_reply_id:
        return [consultation.accepted_reply.body]
    return [reply.body for reply in consultation.replies.all() if reply.is_answer]


def index_consultation(consultation: Consultation) -> None:
    """A public question with an expert's answer is searchable; any other is not."""
    answers = consultation_answers(consultation) if consultation.is_public else []
    if not answers:
        remove_entry(SearchKind.CONSULTATION, consultation.pk)
        return
    body = "\n\n".join([consultation.body, *answers]).strip()
    index_entry(
        SearchKind.CONSULTATION, consultation.pk, consultation.title, body, consultation.field
    )


def index_knowledge_entry(entry: KnowledgeEntry) -> None:
    if not entry.is_published:
        remove_entry(SearchKind.FAQ, entry.pk)
        return
    index_entry(SearchKind.FAQ, entry.pk, entry.question, entry.answer, entry.field)


def index_case(case: TypicalCase) -> None:
    if not case.is_published:
        remove_entry(SearchKind.CASE, case.pk)
        return
    body = f"{case.problem_summary}\n\n{case.solution_summary}"
    index_entry(SearchKind.CASE, case.pk, case.title, body, case.field)


@transaction.atomic
def reindex_all() -> int:
    """Rebuild the whole index from the published entries, cases and public consultations;
    returns the number of rows indexed."""
    SearchEntry.objects.all().delete()
    for entry in KnowledgeEntry.objects.published().iterator():
        index_knowledge_entry(entry)
    for case in TypicalCase.objects.published().iterator():
        index_case(case)
    public = Consultation.objects.public().select_related("accepted_reply")
    for consultation in public.prefetch_related("replies").iterator(chunk_size=500):
        index_consultation(consultation)
    return SearchEntry.objects.count()
