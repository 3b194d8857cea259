"""Documents people upload (certificates, attachments, a survey's file answers): what a file
is by its first bytes, the check every upload passes, and the response that serves one back."""

import re

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted format: what the file is, whatever its name says; and the
# suffix it is stored under.
SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
SUFFIXES = {"PDF": ".pdf", "PNG": ".png", "JPEG": ".jpg"}
# What makes a browser treat a file as a page: behind a PDF or PNG signature, a polyglot meant to
# run script on the platform's origin.
ACTIVE_CONTENT = re.compile(rb"<\s*(html|!doctype|script|svg|body|iframe|object|embed)", re.I)
HEAD_BYTES = 1024


def document_kind(upload) -> str | None:
    """PDF, PNG or JPEG as the file's first bytes say, or None."""
    head = _head(upload, len(max(SIGNATURES, key=len)))
    return next((kind for mark, kind in SIGNATURES.items() if head.startswith(mark)), None)


def document_suffix(upload) -> str:
    """The suffix a document is stored under: that of what it is, never the one it was sent
    with (a name may end in anything, up to hundreds of characters)."""
    return SUFFIXES.get(document_kind(upload), "")


def validate_document(upload) -> None:
    """A certificate or attachment: a PDF, PNG or JPEG file of at most 10 MB, with no page
    markup at its start."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "name": upload.name[:100],
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_DOCUMENT_BYTES),
            },
        )
    if document_kind(upload) is None or ACTIVE_CONTENT.search(_head(upload, HEAD_BYTES)):
        raise ValidationError(
            _("%(name)s is not a PDF, PNG or JPEG file."),
            code="bad_type",
            params={"name": upload.name[:100]},
        )


def _head(upload, size: int) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


DOCUMENT_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}


def document_response(file) -> FileResponse:
    """A stored document served as what its content is: a PDF or an image shown in the browser
    in a sandbox (no script, no forms, no same origin), anything else only downloaded."""
    handle = file.open("rb")
    kind = document_kind(handle)
    name = file.name.rsplit("/", 1)[-1]
    if kind is None:
        response = FileResponse(handle, as_attachment=True, filename=name)
        response["Content-Type"] = "application/octet-stream"
        return response
    response = FileResponse(handle, as_attachment=False, filename=name)
    response["Content-Type"] = DOCUMENT_TYPES[kind]
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
