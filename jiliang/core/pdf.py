"""A small PDF writer for documents drawn at fixed places, such as label sheets: pages of filled
rectangles, dashed frames and one-line texts in Noto CJK, each font embedded as a subset.

WeasyPrint lays out every box of an HTML page, some 20 ms a label: 1,000 labels took 24 s. A
label has nothing to lay out, so labels are drawn here: 1,000 in about 3 s, most of it segno
making the QR codes (``bench/documents.py``). Fonts are
found by fontconfig (``fc-match``), measured and subset by HarfBuzz (Debian's libharfbuzz0b and
libharfbuzz-subset0, which WeasyPrint needs too), keeping the glyph ids: a text is written as
its glyph ids (Identity-H), with a ToUnicode map so that it can be copied and searched, as
WeasyPrint does.

Coordinates are in points from the page's top left corner, y going down.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import io
import subprocess
import zlib

import pydyf

MM = 72 / 25.4
ELLIPSIS = "…"

_VOID = ctypes.c_void_p
_SIGNATURES = {
    "hb_blob_create_from_file": (_VOID, [ctypes.c_char_p]),
    "hb_blob_get_data": (_VOID, [_VOID, ctypes.POINTER(ctypes.c_uint)]),
    "hb_blob_destroy": (None, [_VOID]),
    "hb_face_create": (_VOID, [_VOID, ctypes.c_uint]),
    "hb_face_reference_blob": (_VOID, [_VOID]),
    "hb_face_destroy": (None, [_VOID]),
    "hb_face_get_upem": (ctypes.c_uint, [_VOID]),
    "hb_font_create": (_VOID, [_VOID]),
    "hb_font_get_nominal_glyph": (ctypes.c_int, [_VOID, ctypes.c_uint32, _VOID]),
    "hb_font_get_glyph_h_advance": (ctypes.c_int32, [_VOID, ctypes.c_uint32]),
    "hb_font_get_h_extents": (ctypes.c_int, [_VOID, _VOID]),
    "hb_set_add": (None, [_VOID, ctypes.c_uint32]),
    "hb_tag_from_string": (ctypes.c_uint32, [ctypes.c_char_p, ctypes.c_int]),
}
_SUBSET_SIGNATURES = {
    "hb_subset_input_create_or_fail": (_VOID, []),
    "hb_subset_input_destroy": (None, [_VOID]),
    "hb_subset_input_glyph_set": (_VOID, [_VOID]),
    "hb_subset_input_set": (_VOID, [_VOID, ctypes.c_int]),
    "hb_subset_input_set_flags": (None, [_VOID, ctypes.c_uint]),
    "hb_subset_or_fail": (_VOID, [_VOID, _VOID]),
}


@functools.cache
def _harfbuzz() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    """HarfBuzz and HarfBuzz-subset, loaded when a document is first drawn."""
    try:
        libraries = ctypes.CDLL("libharfbuzz.so.0"), ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError as error:
        raise RuntimeError(
            "PDF documents need HarfBuzz: apt-get install libharfbuzz0b libharfbuzz-subset0"
        ) from error
    for library, signatures in zip(libraries, (_SIGNATURES, _SUBSET_SIGNATURES), strict=True):
        for name, (restype, argtypes) in signatures.items():
            getattr(library, name).restype = restype
            getattr(library, name).argtypes = argtypes
    return libraries


# hb_subset_flags_t and hb_subset_sets_t
_RETAIN_GIDS, _DESUBROUTINIZE, _NO_HINTING = 0x2, 0x4, 0x1
_DROP_TABLE_TAG = 3
# Shaping tables and bitmaps: the text is written glyph by glyph, as cmap maps characters.
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"GPOS", b"GSUB", b"JSTF", b"VORG")


class _Extents(ctypes.Structure):
    _fields_ = [("ascender", ctypes.c_int32), ("descender", ctypes.c_int32)] + [
        (f"reserved{number}", ctypes.c_int32) for number in range(10)
    ]


class Font:
    """A font of a fontconfig pattern ("Noto Sans CJK SC:bold"): glyphs and advances of
    characters, in thousandths of the font size, and subsets of its file."""

    def __init__(self, pattern: str):
        found = subprocess.run(
            ["fc-match", "--format=%{file}\t%{index}\t%{family[0]}\t%{style[0]}", pattern],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        path, index, family, style = found.split("\t")
        self.name = f"{family}-{style}".replace(" ", "-")
        self._hb, self._hb_subset = _harfbuzz()
        hb = self._hb
        blob = hb.hb_blob_create_from_file(path.encode())
        self._face = hb.hb_face_create(blob, int(index))
        hb.hb_blob_destroy(blob)
        self._font = hb.hb_font_create(self._face)
        self._scale = 1000 / hb.hb_face_get_upem(self._face)
        extents = _Extents()
        hb.hb_font_get_h_extents(self._font, ctypes.byref(extents))
        self.ascender = extents.ascender * self._scale
        self.descender = extents.descender * self._scale  # negative
        self._glyphs: dict[str, tuple[int, float]] = {}

    def glyph(self, character: str) -> tuple[int, float]:
        """The glyph id and advance of ``character``; .notdef (0) when the font lacks it."""
        known = self._glyphs.get(character)
        if known is None:
            hb = self._hb
            glyph = ctypes.c_uint32(0)
            hb.hb_font_get_nominal_glyph(self._font, ord(character), ctypes.byref(glyph))
            advance = hb.hb_font_get_glyph_h_advance(self._font, glyph.value) * self._scale
            known = self._glyphs[character] = (glyph.value, advance)
        return known

    def width(self, text: str, size: float, spacing: float = 0) -> float:
        """The width of ``text`` at ``size`` points, ``spacing`` points after each character."""
        return sum(self.glyph(character)[1] for character in text) * size / 1000 + spacing * len(
            text
        )

    def baseline(self, line_height: float, size: float) -> float:
        """Where the baseline lies below the top of a line ``line_height`` high, as CSS puts it:
        the font's ascender and descender centred in the line."""
        ascender, descender = self.ascender * size / 1000, -self.descender * size / 1000
        return (line_height - ascender - descender) / 2 + ascender

    def fit(self, text: str, size: float, width: float) -> str:
        """``text``, cut and ended with an ellipsis when it is wider than ``width``."""
        if self.width(text, size) <= width:
            return text
        room = width - self.width(ELLIPSIS, size)
        used = 0.0
        for end, character in enumerate(text):
            used += self.glyph(character)[1] * size / 1000
            if used > room:
                return text[:end].rstrip() + ELLIPSIS
        return text

    def wrap(self, text: str, size: float, width: float, lines: int) -> list[str]:
        """``text`` in at most ``lines`` lines of ``width``, the last one ended with an ellipsis
        when the text goes on. Lines break after a space or next to a CJK character, as
        browsers do, and anywhere in a word too long for a line."""
        result, start, used = [], 0, 0.0
        end = 0
        while end < len(text):
            advance = self.glyph(text[end])[1] * size / 1000
            if used + advance > width and end > start:
                if len(result) == lines - 1:
                    return [*result, self.fit(text[start:], size, width)]
                end = _break_before(text, start, end)
                result.append(text[start:end].rstrip())
                start, used = end, 0.0
                continue
            used += advance
            end += 1
        return [*result, text[start:]] if text else result

    def subset(self, glyphs) -> bytes:
        """The font file with only ``glyphs`` (and .notdef), their ids kept."""
        hb, hb_subset = self._hb, self._hb_subset
        subset_input = hb_subset.hb_subset_input_create_or_fail()
        try:
            glyph_set = hb_subset.hb_subset_input_glyph_set(subset_input)
            for glyph in glyphs:
                hb.hb_set_add(glyph_set, glyph)
            dropped = hb_subset.hb_subset_input_set(subset_input, _DROP_TABLE_TAG)
            for tag in _DROPPED_TABLES:
                hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, -1))
            hb_subset.hb_subset_input_set_flags(
                subset_input, _RETAIN_GIDS | _DESUBROUTINIZE | _NO_HINTING
            )
            face = hb_subset.hb_subset_or_fail(self._face, subset_input)
        finally:
            hb_subset.hb_subset_input_destroy(subset_input)
        if not face:
            raise RuntimeError(f"HarfBuzz could not subset {self.name}")
        blob = hb.hb_face_reference_blob(face)
        length = ctypes.c_uint(0)
        data = ctypes.string_at(hb.hb_blob_get_data(blob, ctypes.byref(length)), length.value)
        hb.hb_blob_destroy(blob)
        hb.hb_face_destroy(face)
        return data


def _break_before(text: str, start: int, end: int) -> int:
    """Where a line of ``text[start:]`` that overflows at ``end`` breaks: after its last space
    or next to its last CJK character before ``end``, else at ``end``."""
    for at in range(end, start, -1):
        before, after = text[at - 1], text[at]
        if before == " " or _is_cjk(before) or _is_cjk(after):
            return at
    return end


def _is_cjk(character: str) -> bool:
    return "\u2e80" <= character <= "\u9fff" or "\uff00" <= character <= "\uffef"


@functools.cache
def font(pattern: str) -> Font:
    """The font of a fontconfig pattern, opened once per process (fonts do not change)."""
    return Font(pattern)


def _colour(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[at : at + 2], 16) / 255 for at in (1, 3, 5))
    return f"{red:.3f} {green:.3f} {blue:.3f}"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Page:
    """One page's drawing operations."""

    def __init__(self, document: Document, width: float, height: float):
        self.document, self.width, self.height = document, width, height
        self.operations: list[str] = []

    def rectangle(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        """A filled rectangle."""
        self.operations.append(
            f"{_colour(colour)} rg {_number(x)} {_number(self.height - y - height)} "
            f"{_number(width)} {_number(height)} re f"
        )

    def cells(self, left: float, top: float, cell: float, runs, colour: str) -> None:
        """Squares of a grid of ``cell`` points from (left, top), filled in ``colour``: runs of
        ``(column, row, length)`` cells along a row, drawn as one path in cell units."""
        path = " ".join(f"{column} {row} {length} 1 re" for column, row, length in runs)
        self.operations.append(
            f"q {_number(cell)} 0 0 {_number(-cell)} {_number(left)} "
            f"{_number(self.height - top)} cm {_colour(colour)} rg {path} f Q"
        )

    def frame(self, x, y, width, height, *, line: float, colour: str, dash: float = 0) -> None:
        """A rectangle's outline ``line`` wide, drawn inside it; dashed when ``dash``."""
        inset = line / 2
        pattern = f"[{_number(dash)}] 0 d" if dash else "[] 0 d"
        self.operations.append(
            f"{_colour(colour)} RG {_number(line)} w {pattern} {_number(x + inset)} "
            f"{_number(self.height - y - height + inset)} {_number(width - line)} "
            f"{_number(height - line)} re S"
        )

    def text(self, x, baseline, text, *, font: Font, size, colour, spacing=0.0) -> None:
        """``text`` on one line from ``x``, its baseline at ``baseline``; ``spacing`` points
        after each character (CSS letter-spacing)."""
        if not text:
            return
        name, used = self.document.use(font)
        codes = []
        for character in text:
            glyph = font.glyph(character)[0]
            used.setdefault(glyph, character)
            codes.append(f"{glyph:04x}")
        spacing_operator = f"{_number(spacing)} Tc " if spacing else "0 Tc "
        self.operations.append(
            f"BT /{name} {_number(size)} Tf {spacing_operator}{_colour(colour)} rg "
            f"{_number(x)} {_number(self.height - baseline)} Td <{''.join(codes)}> Tj ET"
        )


class Document:
    """Pages drawn one after another, written as a PDF by ``write()``."""

    def __init__(self, *, title: str = ""):
        self.title = title
        self.pages: list[Page] = []
        self._fonts: dict[Font, tuple[str, dict[int, str]]] = {}

    def page(self, width: float, height: float) -> Page:
        page = Page(self, width, height)
        self.pages.append(page)
        return page

    def use(self, font: Font) -> tuple[str, dict[int, str]]:
        """The resource name of ``font`` in this document and its glyphs used so far."""
        if font not in self._fonts:
            self._fonts[font] = (f"F{len(self._fonts) + 1}", {})
        return self._fonts[font]

    def write(self) -> bytes:
        pdf = pydyf.PDF()
        if self.title:
            pdf.info["Title"] = pydyf.String(self.title)
        pdf.info["Producer"] = pydyf.String("Jiliang")
        fonts = pydyf.Dictionary(
            {name: self._embed(pdf, font, used) for font, (name, used) in self._fonts.items()}
        )
        for page in self.pages:
            # The fastest level: pages of labels are long and repetitive; level 1 compresses
            # them in a fraction of the default's time, the file about twice as large (some
            # 1.1 MB for 1,000 labels).
            content = zlib.compress("\n".join(page.operations).encode("ascii"), 1)
            stream = pydyf.Stream([content], {"Filter": "/FlateDecode"})
            pdf.add_object(stream)
            pdf.add_page(
                pydyf.Dictionary(
                    {
                        "Type": "/Page",
                        "Parent": pdf.pages.reference,
                        "MediaBox": pydyf.Array([0, 0, page.width, page.height]),
                        "Contents": stream.reference,
                        "Resources": pydyf.Dictionary({"Font": fonts}),
                    }
                )
            )
        output = io.BytesIO()
        pdf.write(output, version=b"1.7", compress=True)
        return output.getvalue()

    def _embed(self, pdf, font: Font, used: dict[int, str]):
        """A Type 0 font of the glyphs used, with their widths and characters."""
        glyphs = sorted(used)
        tag = "".join(
            chr(65 + byte % 26) for byte in hashlib.sha256(repr(glyphs).encode()).digest()[:6]
        )
        base_font = f"/{tag}+{font.name}"
        file = pydyf.Stream([font.subset(glyphs)], {"Subtype": "/OpenType"}, compress=True)
        pdf.add_object(file)
        descriptor = pydyf.Dictionary(
            {
                "Type": "/FontDescriptor",
                "FontName": base_font,
                "Flags": 4,
                "FontBBox": pydyf.Array([0, round(font.descender), 1000, round(font.ascender)]),
                "ItalicAngle": 0,
                "Ascent": round(font.ascender),
                "Descent": round(font.descender),
                "CapHeight": round(font.ascender),
                "StemV": 80,
                "FontFile3": file.reference,
            }
        )
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for glyph in glyphs:
            widths.extend([glyph, pydyf.Array([round(font.glyph(used[glyph])[1])])])
        descendant = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/CIDFontType0",
                "BaseFont": base_font,
                "CIDSystemInfo": pydyf.Dictionary(
                    {
                        "Registry": pydyf.String("Adobe"),
                        "Ordering": pydyf.String("Identity"),
                        "Supplement": 0,
                    }
                ),
                "W": widths,
                "FontDescriptor": descriptor.reference,
            }
        )
        pdf.add_object(descendant)
        to_unicode = pydyf.Stream([_to_unicode_map(used)], compress=True)
        pdf.add_object(to_unicode)
        type0 = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/Type0",
                "BaseFont": base_font,
                "Encoding": "/Identity-H",
                "DescendantFonts": pydyf.Array([descendant.reference]),
                "ToUnicode": to_unicode.reference,
            }
        )
        pdf.add_object(type0)
        return type0.reference


def _to_unicode_map(used: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    mapped = sorted((glyph, character) for glyph, character in used.items() if glyph)
    for start in range(0, len(mapped), 100):
        batch = mapped[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar")
        lines += [
            f"<{glyph:04x}> <{character.encode('utf-16-be').hex()}>" for glyph, character in batch
        ]
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode("ascii")
