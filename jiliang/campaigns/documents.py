"""Campaign documents: the activity statistics table as a PDF (WeasyPrint, A4 landscape).

The PDF shows what the official xlsx sheet shows (``spreadsheets.write_statistics_table``: one
row per child region, the region's own line when it has figures of its own, a 合计 row; each
indicator's figure is entered + counted) plus the quota of SMEs to help and the achievement
against both quotas. The printed words are the customary Chinese ones and are not translated;
the fonts are Noto CJK (Debian's fonts-noto-cjk), as for the certificates.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from jiliang.campaigns.spreadsheets import (
    own_figures_shown,
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
    """What the template receives: the title, the indicators and the printed lines."""
    lines = [
        _line(str(number), child.region.name, child)
        for number, child in enumerate(table.children, 1)
    ]
    if own_figures_shown(table):
        lines.append(_line("", f"{table.region.name}本级", table.own, quota=False))
    return {
        "title": statistics_title(table),
        "subtitle": statistics_subtitle(table),
        "campaign": table.campaign,
        "indicators": table.indicators,
        "lines": lines,
        "total": _line("", "合计", table.total),
        "printed": timezone.localdate(),
    }


def _line(number: str, name: str, row, *, quota: bool = True) -> dict:
    return {
        "number": number,
        "name": name,
        "values": [cell.entered + cell.counted for cell in row.cells],
        "quota": row.quota.smes_to_help if quota and row.quota is not None else None,
        "achievement": _percent(row.achievement) if quota else "",
        "mms_achievement": _percent(row.mms_achievement) if quota else "",
    }


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f}%"
