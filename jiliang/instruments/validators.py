from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The migrations of several apps name the document check here.
from jiliang.core.uploads import validate_document  # noqa: F401

# The days a ledger's dates may fall on: an instrument's verification or commissioning date,
# or a certificate's validity, outside them is a typing error (9999-12-31 would overflow every
# due date computed from it).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2099, 12, 31)


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
