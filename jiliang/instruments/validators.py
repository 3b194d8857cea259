import re
from datetime import date

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The days a ledger's dates may fall on: an instrument's verification or commissioning date,
# or a certificate's validity, outside them is a typing error (9999-12-31 would overflow every
# due date computed from it).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2099, 12, 31)
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


def validate_ledger_day(day: date) -> None:
    """A date of the ledger: between 1900 and 2099."""
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("%(day)s is not a plausible date: use a day between 1900 and 2099."),
            code="implausible_date",
            params={"day": day.isoformat()},
        )


def validate_identifier(text: str) -> None:
    """A number written on labels, in file names and in exports: no line breaks or other
    control characters."""
    if any(ord(character) < 32 or ord(character) == 127 for character in text):
        raise ValidationError(
            _("Line breaks and other control characters cannot be part of a number."),
            code="control_character",
        )
