"""The API of label sheets: start the job that makes the labels of a filtered list, then follow
it and download the PDF under ``/documents/{id}`` (``core.documents_api``)."""

from ninja import Query, Router, Status

from jiliang.core.api import ErrorOut
from jiliang.core.documents_api import DocumentJobOut
from jiliang.instruments.api import LedgerQuery
from jiliang.instruments.label_jobs import label_job_start

router = Router(tags=["instruments"])


@router.post("/instruments/labels", response={202: DocumentJobOut, 400: ErrorOut})
def labels_start(request, query: Query[LedgerQuery]):
    """Start making the status labels (A4 sheets of 3 × 9, PDF) of the instruments the filters
    select, as ``GET /instruments`` selects them: 400 when none match or more than 10,000."""
    job = label_job_start(
        actor=request.user, filters=query.filters(), base_url=request.build_absolute_uri("/")
    )
    return Status(202, job)
