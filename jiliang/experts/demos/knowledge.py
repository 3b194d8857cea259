"""The knowledge part of ``jiliang demo``: the common questions of fixtures/knowledge-base.json
published by 河南省市场监督管理局, the typical cases of the demo's solved problems whose
enterprises agreed, one common question made from an accepted public answer, and the public
consultations in the search index. Idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model

from jiliang.experts.choices import CaseConsent, ConsultationState, ProblemState
from jiliang.experts.models import Consultation, KnowledgeEntry, Problem
from jiliang.experts.search.index import consultation_answers, index_consultation
from jiliang.experts.services import knowledge as services
from jiliang.orgs.models import Organisation

KNOWLEDGE_BASE = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge-base.json"
BUREAU = "河南省市场监督管理局"


def load(admin) -> None:
    bureau = Organisation.objects.get(name=BUREAU)
    editor = get_user_model().objects.get(username="demo-province")
    known = set(KnowledgeEntry.objects.filter(publisher=bureau).values_list("question", flat=True))
    for item in json.loads(KNOWLEDGE_BASE.read_text(encoding="utf-8")):
        if item["question"] not in known:
            services.knowledge_entry_create(actor=editor, publisher=bureau, **item)
    solved = Problem.objects.filter(state=ProblemState.SOLVED, typical_case__isnull=True).exclude(
        case_consent=CaseConsent.NO
    )
    for problem in solved.filter(region__path__startswith=bureau.region.path):
        services.typical_case_publish(actor=editor, problem=problem)
    public = Consultation.objects.public().select_related("accepted_reply")
    for consultation in public:
        index_consultation(consultation)
    _collect_one_answer(editor, bureau, public)


def _collect_one_answer(editor, bureau, public) -> None:
    """One accepted public answer joins the common questions, as a bureau would edit it."""
    if KnowledgeEntry.objects.filter(source__isnull=False).exists():
        return
    consultation = public.filter(state=ConsultationState.ACCEPTED).order_by("pk").first()
    if consultation is None:
        return
    services.knowledge_entry_from_consultation(
        actor=editor,
        consultation=consultation,
        publisher=bureau,
        question=consultation.title,
        answer="\n\n".join(consultation_answers(consultation)),
        tags="直通车",
    )
