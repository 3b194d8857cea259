"""Three-colour status labels (三色标识) as a PDF: 50 mm × 30 mm, with a QR code to the instrument.

The printed words are in ``instruments/labels.html``; this module only gathers what each label
needs and hands the HTML to WeasyPrint.
"""

from collections.abc import Callable, Iterable
from datetime import date

import segno
from django.template.loader import render_to_string
from weasyprint import HTML

from jiliang.instruments.models import Instrument

LAYOUTS = frozenset({"sheet", "single"})


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI, ready for an ``<img src>``."""
    # A two-module quiet zone: the label's white margin supplies the rest.
    return segno.make(url, error="m", micro=False).svg_data_uri(border=2)


def render_labels_pdf(
    instruments: Iterable[Instrument],
    *,
    layout: str,
    url_for: Callable[[Instrument], str],
    today: date,
) -> bytes:
    """The labels of ``instruments`` as a PDF, coloured as on ``today``.

    ``layout`` is "sheet" (A4 sheets of 3 × 9 labels with cut lines) or "single" (one label per
    50 mm × 30 mm page, for label printers). ``url_for`` gives the absolute URL in the QR code.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown label layout {layout!r}; use one of {sorted(LAYOUTS)}.")
    labels = [
        {
            "instrument": instrument,
            "colour": instrument.label_on(today),
            "qr": qr_svg(url_for(instrument)),
        }
        for instrument in instruments
    ]
    html = render_to_string("instruments/labels.html", {"labels": labels, "layout": layout})
    return HTML(string=html, base_url=None).write_pdf()
