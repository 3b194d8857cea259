"""Exports too large to make while the user waits (a gunicorn worker answers within a minute):
a document job (``core.documents``), started from the results page with its filters, made as
the user who asked, downloaded from the job's page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jiliang.core.document_jobs import document_job_start
from jiliang.needs import exports
from jiliang.needs.selectors import results as selectors

EXPORT_JOB = "needs.responses_xlsx"
# Up to this many responses the xlsx is made at once (some 10 s); beyond, by a job.
XLSX_AT_ONCE = 10_000


def export_job_start(*, actor, questionnaire, filters: selectors.Filters):
    """Queue the xlsx of the responses ``filters`` select (the caller checked that ``actor``
    reads the questionnaire and the region)."""
    return document_job_start(
        actor=actor,
        kind=EXPORT_JOB,
        title=_("Responses to “%(title)s”") % {"title": questionnaire.title},
        parameters={
            "questionnaire": questionnaire.pk,
            "region": filters.region.pk if filters.region else None,
            "industry": filters.industry,
            "size": filters.size,
        },
    )


def build_export_job(job, on_progress) -> tuple[bytes, str]:
    """The job's document, read again as the user who asked (a 404 if they no longer may)."""
    user, parameters = job.created_by, job.parameters
    questionnaire = selectors.questionnaire_for_results(user, parameters["questionnaire"])
    filters = selectors.Filters(
        region=selectors.region_for_results(user, questionnaire, parameters["region"]),
        industry=parameters["industry"],
        size=parameters["size"],
    )
    responses = selectors.responses_for_results(user, questionnaire, filters)
    total = max(responses.count(), 1)
    table = exports.Table(questionnaire, responses)
    with exports.write_xlsx(table, on_row=lambda done: on_progress(99 * done // total)) as target:
        return target.read(), exports.export_filename(questionnaire, "xlsx")
