"""Validators the order models share."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_printable(value: str) -> None:
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValidationError(_("Control characters are not allowed here."))
