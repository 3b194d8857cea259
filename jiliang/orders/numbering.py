"""Certificate numbers by an institution's rule (pure functions): a pattern with the
placeholders ``{prefix}``, ``{year}`` and ``{seq}``, the sequence zero-padded by a width
(``{seq:05d}``), e.g. ``{prefix}{year}-{seq:05d}`` → ``HNJL2026-00001``. The sequence starts
again each year, so a pattern must hold the year: otherwise next year's numbers repeat this
year's."""

from __future__ import annotations

import re
from string import Formatter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_PATTERN = "{prefix}{year}-{seq:05d}"
PLACEHOLDERS = ("prefix", "year", "seq")
# The sequence's format: plain, or zero-padded to 1–9 digits.
SEQ_FORMAT = re.compile(r"(0[1-9])?d?")
MAX_LENGTH = 100  # OrderItem.certificate_number


def _fields(pattern: str) -> list[tuple[str, str]]:
    """The placeholders of ``pattern`` with their format specs (a conversion such as ``!r``
    makes the name unknown); ValueError when a brace is unmatched."""
    return [
        (f"{name}!{conversion}" if conversion else name, spec or "")
        for _literal, name, spec, conversion in Formatter().parse(pattern)
        if name is not None
    ]


def validate_pattern(pattern: str) -> None:
    """Raise ValidationError (on ``pattern``) unless the pattern numbers certificates well."""
    try:
        fields = _fields(pattern)
    except ValueError:
        raise ValidationError(
            {"pattern": _("Braces must enclose a placeholder: {prefix}, {year} or {seq}.")}
        ) from None
    unknown = sorted({name for name, _spec in fields if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            {
                "pattern": _("Unknown placeholder %(name)s: use {prefix}, {year} and {seq}.")
                % {"name": "{" + unknown[0] + "}"}
            }
        )
    names = [name for name, _spec in fields]
    if names.count("seq") != 1 or "year" not in names:
        raise ValidationError(
            {
                "pattern": _(
                    "The pattern holds {seq} once and {year}: the sequence starts again each year."
                )
            }
        )
    for name, spec in fields:
        if spec and (name != "seq" or not SEQ_FORMAT.fullmatch(spec)):
            raise ValidationError(
                {"pattern": _("Only the sequence takes a width, as {seq:05d} for five digits.")}
            )


def format_number(pattern: str, *, prefix: str, year: int, seq: int) -> str:
    """The number ``seq`` of ``year`` by a valid ``pattern``."""
    return pattern.format(prefix=prefix, year=f"{year:04d}", seq=seq)
