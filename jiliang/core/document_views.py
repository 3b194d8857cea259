"""A document made in the background: its page (polled by htmx while it is made), and the file."""

from django.http import FileResponse, Http404

from jiliang.core.models import DocumentJob
from jiliang.core.views import ScopedDetailView


class DocumentJobView(ScopedDetailView):
    """The job's progress, then the download link."""

    model = DocumentJob

    def get_template_names(self):
        if self.request.htmx:
            return ["core/_document_job_status.html"]
        return ["core/document_job.html"]


class DocumentJobDownloadView(ScopedDetailView):
    """The finished document as an attachment; 404 while it is made or when it failed."""

    model = DocumentJob

    def render_to_response(self, context):
        job = self.object
        if job.status != DocumentJob.Status.DONE or not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type="application/pdf" if job.filename.endswith(".pdf") else None,
        )
