"""Three-colour status labels (三色标识) as a PDF: 50 mm × 30 mm, with a QR code to the instrument.

A label is drawn at fixed places by ``core.pdf`` (no layout engine: 1,000 labels in about 3 s,
where WeasyPrint took 24 s): a band in the status colour with the status word and the
organisation, the management number, the name on at most two lines, the dates and conclusion,
and the QR code. The printed words are the customary ones on such labels, so they are not
translated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import segno

from jiliang.core import pdf
from jiliang.core.pdf import MM
from jiliang.instruments.models import Instrument

LAYOUTS = frozenset({"sheet", "single"})
WIDTH, HEIGHT = 50 * MM, 30 * MM
# A4 sheets: 3 × 9 labels (150 mm × 270 mm) centred, with dashed cut lines.
A4 = (210 * MM, 297 * MM)
COLUMNS, ROWS = 3, 9
SHEET_LEFT, SHEET_TOP = 30 * MM, 13.5 * MM
CUT_LINE = 0.1 * MM
# Status: the word and the band's colours (background, text).
STATUS = {
    "green": ("合格", "#1b7a34", "#ffffff"),
    "yellow": ("准用", "#ffd200", "#1a1a1a"),
    "red": ("停用", "#c4161c", "#ffffff"),
}
CONCLUSIONS = {"pass": "合格", "fail": "不合格", "restricted": "准用（限用）"}
TEXT, MUTED = "#111111", "#444444"
REGULAR, BOLD = "Noto Sans CJK SC:regular", "Noto Sans CJK SC:bold"
BAND = 6.5 * MM
PADDING = 1.5 * MM
FIELDS_LEFT, FIELDS_TOP, FIELDS_WIDTH = 1.5 * MM, 7.4 * MM, 26.4 * MM
QR_SIZE, QR_MARGIN = 21.4 * MM, 0.6 * MM
# A two-module quiet zone: the label's white margin supplies the rest.
QR_BORDER = 2
# segno scores the eight masks to keep the one with the fewest confusing patterns: 6 ms a code,
# most of a label's time. Any mask reads; a fixed one makes a code in 1.5 ms.
QR_MASK = 7


def qr_runs(url: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code of ``url``: its size in modules with the quiet zone, and its dark modules
    as runs of ``(column, row, length)`` along each row."""
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    runs = []
    for row_number, row in enumerate(code.matrix):
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((start + QR_BORDER, row_number + QR_BORDER, column - start))
                start = None
    return len(code.matrix) + 2 * QR_BORDER, runs


def render_labels_pdf(
    instruments: Iterable[Instrument],
    *,
    layout: str,
    url_for: Callable[[Instrument], str],
    today: date,
    on_progress: Callable[[int], None] | None = None,
) -> bytes:
    """The labels of ``instruments`` as a PDF, coloured as on ``today``.

    ``layout`` is "sheet" (A4 sheets of 3 × 9 labels with cut lines) or "single" (one label per
    50 mm × 30 mm page, for label printers). ``url_for`` gives the absolute URL in the QR code.
    ``on_progress`` is called with the share of labels drawn (0–100) every sheet.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown label layout {layout!r}; use one of {sorted(LAYOUTS)}.")
    instruments = list(instruments)
    document = pdf.Document(title="计量器具状态标识")
    page = None
    per_page = COLUMNS * ROWS if layout == "sheet" else 1
    for number, instrument in enumerate(instruments):
        place = number % per_page
        if place == 0:
            if on_progress and number:
                on_progress(number * 100 // len(instruments))
            page = document.page(*A4) if layout == "sheet" else document.page(WIDTH, HEIGHT)
        if layout == "sheet":
            x = SHEET_LEFT + place % COLUMNS * WIDTH
            y = SHEET_TOP + place // COLUMNS * HEIGHT
            page.frame(x, y, WIDTH, HEIGHT, line=CUT_LINE, colour="#888888", dash=3 * CUT_LINE)
            # The label's content sits inside its cut line.
            draw_label(
                page,
                x + CUT_LINE,
                y + CUT_LINE,
                WIDTH - 2 * CUT_LINE,
                instrument,
                today=today,
                url=url_for(instrument),
            )
        else:
            draw_label(page, 0, 0, WIDTH, instrument, today=today, url=url_for(instrument))
    return document.write()


def draw_label(page, x, y, width, instrument, *, today, url) -> None:
    """One label with its top left corner at (x, y), ``width`` wide."""
    regular, bold = pdf.font(REGULAR), pdf.font(BOLD)
    word, background, foreground = STATUS[instrument.label_on(today)]
    page.rectangle(x, y, width, BAND, background)
    title_size = 4.4 * MM
    page.text(
        x + PADDING,
        y + bold.baseline(BAND, title_size),
        word,
        font=bold,
        size=title_size,
        colour=foreground,
        spacing=1 * MM,
    )
    organisation_size = 1.8 * MM
    organisation = regular.fit(
        instrument.organisation.name, organisation_size, width - 14 * MM - PADDING
    )
    page.text(
        x + width - PADDING - regular.width(organisation, organisation_size),
        y + regular.baseline(BAND, organisation_size),
        organisation,
        font=regular,
        size=organisation_size,
        colour=foreground,
    )

    left, top = x + FIELDS_LEFT, y + FIELDS_TOP
    number_size, number_line = 2.6 * MM, 3.4 * MM
    page.text(
        left,
        top + bold.baseline(number_line, number_size),
        bold.fit(instrument.management_number, number_size, FIELDS_WIDTH),
        font=bold,
        size=number_size,
        colour=TEXT,
    )
    top += number_line
    size, line = 2.1 * MM, 3.1 * MM
    for text in regular.wrap(instrument.name, size, FIELDS_WIDTH, lines=2):
        page.text(
            left, top + regular.baseline(line, size), text, font=regular, size=size, colour=TEXT
        )
        top += line
    top += 0.7 * MM
    for name, value in label_fields(instrument):
        _field(page, left, top + regular.baseline(line, size), name, value, regular, size)
        top += line
    _qr(page, x + width - QR_MARGIN - QR_SIZE, y + HEIGHT - QR_MARGIN - QR_SIZE, url)


def label_fields(instrument) -> list[tuple[str, str]]:
    """The three lines under the name: what they are called and what they say."""

    def day(value):
        return value.isoformat() if value else "—"

    return [
        ("检定/校准日期", day(instrument.last_record_date)),
        ("有效期至", day(instrument.next_due)),
        ("结论", CONCLUSIONS.get(instrument.last_conclusion, "未检")),
    ]


def _field(page, left, baseline, name, value, font, size) -> None:
    name_size = 1.8 * MM
    page.text(left, baseline, name, font=font, size=name_size, colour=MUTED)
    start = left + font.width(name, name_size) + font.width(" ", size)
    room = FIELDS_WIDTH - (start - left)
    page.text(start, baseline, font.fit(value, size, room), font=font, size=size, colour=TEXT)


def _qr(page, left, top, url) -> None:
    size, runs = qr_runs(url)
    page.cells(left, top, QR_SIZE / size, runs, "#000000")
