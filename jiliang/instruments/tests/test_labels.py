import re
import subprocess
from datetime import date

import pytest
import segno
from PIL import Image

from jiliang.instruments import services
from jiliang.instruments.labels import QR_BORDER, QR_MASK, render_labels_pdf

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)
MM = 72 / 25.4


def url_for(instrument):
    return f"https://jiliang.example.cn/instruments/{instrument.pk}/"


@pytest.fixture
def make_instrument(world):
    actor = world.users["same_enterprise"]

    def make(number, *, record_date=None, conclusion="pass", name="弹性元件式一般压力表"):
        instrument = services.instrument_create(
            actor=actor,
            organisation=world.enterprise,
            management_number=number,
            name=name,
            traceability="verification",
            interval_months=12,
            purpose="other",
        )
        if record_date:
            services.record_create(
                actor=actor,
                instrument=instrument,
                date=record_date,
                kind="verification",
                conclusion=conclusion,
            )
        return instrument

    return make


def pdf_tool(tmp_path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [f"/usr/bin/{tool}", *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def page_sizes(info: str) -> list[tuple[float, float]]:
    return [
        (float(width), float(height))
        for width, height in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)
    ]


def test_a_sheet_of_30_labels_fills_two_a4_pages_with_real_cjk_text(make_instrument, tmp_path):
    # Every third instrument has never been verified: red. The others are in date: green.
    instruments = [
        make_instrument(f"JL-{n:04}", record_date=None if n % 3 == 0 else date(2025, 3, 1))
        for n in range(30)
    ]

    pdf = render_labels_pdf(instruments, layout="sheet", url_for=url_for, today=TODAY)

    text = pdf_tool(tmp_path, pdf, "pdftotext")
    assert "合格" in text
    assert "停用" in text
    assert "检定/校准日期" in text
    assert "2025-03-01" in text
    assert all(f"JL-{n:04}" in text for n in range(30))
    info = pdf_tool(tmp_path, pdf, "pdfinfo")
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE)
    assert "(A4)" in info


def test_a_full_sheet_is_one_page(make_instrument, tmp_path):
    instruments = [make_instrument(f"JL-{n:04}") for n in range(27)]

    pdf = render_labels_pdf(instruments, layout="sheet", url_for=url_for, today=TODAY)

    assert re.search(r"^Pages:\s+1$", pdf_tool(tmp_path, pdf, "pdfinfo"), re.MULTILINE)


def test_a_single_label_is_a_50_by_30_mm_page(make_instrument, tmp_path):
    instrument = make_instrument("JL-0001", record_date=date(2025, 3, 1))

    pdf = render_labels_pdf([instrument], layout="single", url_for=url_for, today=TODAY)

    info = pdf_tool(tmp_path, pdf, "pdfinfo")
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    (width, height), *_ = page_sizes(info)
    assert width == pytest.approx(50 * MM, abs=0.1)
    assert height == pytest.approx(30 * MM, abs=0.1)


def test_single_labels_are_one_per_page(make_instrument, tmp_path):
    instruments = [make_instrument(f"JL-{n:04}") for n in range(3)]

    pdf = render_labels_pdf(instruments, layout="single", url_for=url_for, today=TODAY)

    info = pdf_tool(tmp_path, pdf, "pdfinfo", "-f", "1", "-l", "3")
    assert len(page_sizes(info)) == 3
    assert re.search(r"^Pages:\s+3$", info, re.MULTILINE)


def test_the_printed_qr_code_is_the_code_of_the_url(make_instrument, tmp_path):
    """The label drawn, rasterised, holds module for module the QR code of ``url_for``'s URL."""
    instrument = make_instrument("JL-QR", record_date=date(2025, 3, 1))
    pdf = render_labels_pdf([instrument], layout="single", url_for=url_for, today=TODAY)
    (tmp_path / "label.pdf").write_bytes(pdf)
    dpi = 600
    subprocess.run(
        [
            "/usr/bin/pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-png",
            "-singlefile",
            str(tmp_path / "label.pdf"),
            str(tmp_path / "label"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "label.png").convert("L")
    code = segno.make(url_for(instrument), error="m", micro=False, mask=QR_MASK)
    modules = len(code.matrix) + 2 * QR_BORDER
    pixel = dpi / 25.4  # per mm
    left, top, module = 50 - 0.6 - 21.4, 30 - 0.6 - 21.4, 21.4 / modules

    def dark(row, column):
        x = (left + (column + QR_BORDER + 0.5) * module) * pixel
        y = (top + (row + QR_BORDER + 0.5) * module) * pixel
        return image.getpixel((round(x), round(y))) < 128

    size = len(code.matrix)
    printed = [[dark(row, column) for column in range(size)] for row in range(size)]
    assert printed == [[bool(module) for module in row] for row in code.matrix]


def test_overdue_is_red_and_restricted_is_yellow(make_instrument, tmp_path):
    overdue = make_instrument("JL-OVERDUE", record_date=date(2023, 1, 10))
    restricted = make_instrument(
        "JL-RESTRICTED", record_date=date(2025, 3, 1), conclusion="restricted"
    )

    red = pdf_tool(
        tmp_path,
        render_labels_pdf([overdue], layout="single", url_for=url_for, today=TODAY),
        "pdftotext",
    )
    yellow = pdf_tool(
        tmp_path,
        render_labels_pdf([restricted], layout="single", url_for=url_for, today=TODAY),
        "pdftotext",
    )

    assert "停用" in red
    assert "有效期至 2024-01-09" in red
    assert "准用" in yellow
    assert "停用" not in yellow


def test_an_instrument_never_verified_shows_dashes_and_not_verified(make_instrument, tmp_path):
    instrument = make_instrument("JL-NEW")

    text = pdf_tool(
        tmp_path,
        render_labels_pdf([instrument], layout="single", url_for=url_for, today=TODAY),
        "pdftotext",
    )

    assert "检定/校准日期 —" in text
    assert "结论 未检" in text


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layout"):
        render_labels_pdf([], layout="poster", url_for=url_for, today=TODAY)
