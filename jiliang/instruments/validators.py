from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted format: what the file is, whatever its name says.
SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def validate_document(upload) -> None:
    """A certificate or attachment: a PDF, PNG or JPEG file of at most 10 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_DOCUMENT_BYTES),
            },
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES):
        raise ValidationError(
            _("%(name)s is not a PDF, PNG or JPEG file."),
            code="bad_type",
            params={"name": upload.name},
        )
