from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def normalise_uscc(value: str) -> str:
    """Upper case without spaces or dashes, as the code is printed on a business licence."""
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    """Reject a unified social credit code (统一社会信用代码) with a message that says why."""
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters; %(value)s has %(count)d."),
            code="uscc_length",
            params={"value": value, "count": len(value)},
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code: the check digit is wrong."),
            code="uscc_checksum",
            params={"value": value},
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _(
                "%(value)s is not a valid unified social credit code: it may only contain "
                "digits and the letters of GB 32100 in their places."
            ),
            code="uscc_format",
            params={"value": value},
        ) from None
