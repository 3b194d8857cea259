"""Campaign documents: the activity statistics table as a PDF (WeasyPrint, A4 landscape).

The PDF prints the columns of the official xlsx sheet (``statistics_table.statistics_columns``: each
indicator's figure, entered + counted, the quota of SMEs to help and the completion rates
against both quotas) on the same lines (one per child region, the region's own line when it
has figures of its own, a 合计 row). The printed words are the customary Chinese ones and are
not translated; the fonts are Noto CJK (Debian's fonts-noto-cjk), as for the certificates.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from jiliang.campaigns.statistics_table import (
    column_value,
    statistics_columns,
    statistics_lines,
    statistics_subtitle,
    statistics_title,
)

TEMPLATE = "campaigns/statistics_pdf.html"


def statistics_pdf(table) -> bytes:
    """A ``selectors.RollupTable`` as a PDF: the official statistics table with the
    achievement against quota per region."""
    html = render_to_string(TEMPLATE, statistics_context(table))
    return HTML(string=html, base_url=None).write_pdf()


def statistics_context(table) -> dict:
    """What the template receives: the title, the columns and the printed lines (the last one
    the 合计)."""
    columns = statistics_columns(table)
    *lines, total = [
        {
            "number": number,
            "name": name,
            "values": [_printed(column, row, own=own) for column in columns],
        }
        for number, name, row, own in statistics_lines(table)
    ]
    return {
        "title": statistics_title(table),
        "subtitle": statistics_subtitle(table),
        "campaign": table.campaign,
        "columns": columns,
        "lines": lines,
        "total": total,
        "printed": timezone.localdate(),
    }


def _printed(column, row, *, own: bool) -> str:
    if own and column.quota:
        return ""
    value = column_value(column, row, own=own)
    if column.rate:
        return "—" if value is None else f"{value * 100:.1f}%"
    return "" if value is None else str(value)
