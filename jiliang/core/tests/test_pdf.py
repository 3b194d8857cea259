"""The small PDF writer of fixed layouts (core.pdf): measuring, cutting and breaking text, and a
document whose Chinese text is embedded, copied and searched."""

import subprocess

from jiliang.core import pdf

REGULAR = "Noto Sans CJK SC:regular"


def font():
    return pdf.font(REGULAR)


def test_a_font_measures_its_characters():
    regular = font()
    assert regular.width("测量", 10) == 20  # an ideograph is one em wide
    assert 0 < regular.width("a", 10) < 10
    assert regular.width("ab", 10, spacing=1) == regular.width("ab", 10) + 2
    # CSS puts a line's text in its middle: the baseline is below the middle.
    assert 5 < regular.baseline(10, 8) < 10


def test_fit_cuts_with_an_ellipsis_only_what_is_too_wide():
    regular = font()
    assert regular.fit("压力表", 10, 40) == "压力表"
    cut = regular.fit("弹性元件式一般压力表", 10, 40)
    assert cut.endswith("…")
    assert regular.width(cut, 10) <= 40
    assert regular.fit("caliper with output", 10, 68) == "caliper with…"  # no space before …


def test_wrap_breaks_chinese_anywhere_and_latin_between_words():
    regular = font()
    assert regular.wrap("无创自动测量血压计", 10, 50, lines=2) == ["无创自动测", "量血压计"]
    lines = regular.wrap("Digital caliper 0-150 mm Mitutoyo", 10, 100, lines=2)
    assert lines[0] == "Digital caliper 0-150"
    assert regular.wrap("一二三四五六七八九十一二三", 10, 50, lines=2) == [
        "一二三四五",
        "六七八九…",
    ]
    assert regular.wrap("", 10, 50, lines=2) == []


def test_a_document_embeds_its_fonts_and_its_text_can_be_copied(tmp_path):
    document = pdf.Document(title="试验")
    page = document.page(200, 100)
    page.rectangle(0, 0, 200, 20, "#1b7a34")
    page.text(5, 15, "合格 JL-0001", font=font(), size=10, colour="#ffffff", spacing=1)
    page.text(
        5,
        40,
        "有效期至 2026-03-01",
        font=pdf.font("Noto Sans CJK SC:bold"),
        size=8,
        colour="#111111",
    )
    page.cells(100, 30, 2, [(0, 0, 3), (1, 2, 1)], "#000000")
    page.frame(0, 0, 200, 100, line=0.3, colour="#888888", dash=1)
    path = tmp_path / "test.pdf"
    path.write_bytes(document.write())

    text = subprocess.run(
        ["/usr/bin/pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "有效期至 2026-03-01" in text
    assert "JL-0001" in text
    fonts = subprocess.run(
        ["/usr/bin/pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    embedded = [line for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert len(embedded) == 2
    assert all(" yes yes yes " in line for line in embedded)  # embedded, subset, ToUnicode
