"""Label sheets made by a background job (``core.documents``): started from the ledger's page or
the API with the list's filters, made as the user who asked, downloaded from the job's page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core.document_jobs import document_job_start
from jiliang.instruments import labels, selectors
from jiliang.instruments.models import Instrument
from jiliang.instruments.selectors import LedgerFilters

LABEL_JOB = "instruments.labels"
# The most labels one document holds: 10,000 labels are some 370 A4 sheets, about 30 s.
LABEL_SHEET_LIMIT = 10_000


def label_url_for(absolute: Callable[[str], str]) -> Callable[[Instrument], str]:
    """What a label's QR code opens (the instrument's scan page), made absolute by
    ``absolute``: the request's, or the address a background job was started from."""
    return lambda instrument: absolute(reverse("instruments:instrument_scan", args=[instrument.pk]))


def label_count(*, user, filters: LedgerFilters) -> int:
    """How many labels the list holds; a ValidationError when none or too many."""
    count = selectors.instrument_list(
        user=user, filters=filters, today=timezone.localdate()
    ).count()
    if not count:
        raise ValidationError(_("No instruments match: there are no labels to print."))
    if count > LABEL_SHEET_LIMIT:
        raise ValidationError(
            _("Narrow the list to at most %(limit)d instruments to print labels.")
            % {"limit": LABEL_SHEET_LIMIT}
        )
    return count


def label_job_start(*, actor, filters: LedgerFilters, base_url: str):
    """Queue the labels of the list ``filters`` select; the QR codes' addresses start with
    ``base_url`` (the site's address as the user reached it)."""
    count = label_count(user=actor, filters=filters)
    return document_job_start(
        actor=actor,
        kind=LABEL_JOB,
        title=_("Labels of %(count)d instruments") % {"count": count},
        parameters={"filters": dataclasses.asdict(filters), "base_url": base_url},
    )


def build_label_job(job, on_progress) -> tuple[bytes, str]:
    """The job's document: the labels of the list, read again as the user who asked."""
    stored = job.parameters["filters"]
    filters = LedgerFilters(**{**stored, "ids": tuple(stored["ids"])})
    today = timezone.localdate()
    instruments = list(
        selectors.instrument_list(user=job.created_by, filters=filters, today=today)[
            :LABEL_SHEET_LIMIT
        ]
    )
    if not instruments:
        raise ValueError(_("No instruments match: there are no labels to print."))
    base = job.parameters["base_url"]
    content = labels.render_labels_pdf(
        instruments,
        layout="sheet",
        today=today,
        url_for=label_url_for(lambda path: urljoin(base, path)),
        on_progress=on_progress,
    )
    return content, "labels.pdf"
