"""The enterprise profile fields a question may be tied to (``Question.profile_field``), and how
a submitted answer is written onto the profile (``orgs.EnterpriseProfile``) through the
profile's own service, as the enterprise's declaration."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jiliang.orgs.choices import MeasurementSystemStatus
from jiliang.orgs.enterprise_models import EnterpriseProfile
from jiliang.orgs.enterprise_services import enterprise_profile_update


def _whole(value):
    return int(value) if isinstance(value, Decimal) and value >= 0 else None


def _amount(value):
    """An amount in 10,000 yuan, to the fen the profile keeps."""
    return value.quantize(Decimal("0.01")) if isinstance(value, Decimal) and value >= 0 else None


def _text(value):
    return value if isinstance(value, str) and value else None


def _status(value):
    return value if value in MeasurementSystemStatus.values else None


# Field name → (label, how the answer as ``logic.holds`` reads it becomes the field's value;
# None: the answer cannot fill the field and is left out).
FIELDS = {
    "employees": (_("employees"), _whole),
    "revenue": (_("annual revenue (10,000 yuan)"), _amount),
    "total_assets": (_("total assets (10,000 yuan)"), _amount),
    "metrology_staff_count": (_("metrology staff"), _whole),
    "industry_code": (_("industry code (GB/T 4754-2017)"), _text),
    "main_products": (_("main products"), _text),
    "key_processes": (_("key measurement processes"), _text),
    "metrology_staff": (_("metrology staff: names and qualifications"), _text),
    "measurement_standards": (_("own measurement standards"), _text),
    "measurement_system": (_("measurement management system"), _status),
}


def profile_data(tied: dict) -> dict:
    """``{profile field: (question, answer)}`` → the profile's new values (unusable answers
    left out)."""
    data = {}
    for name, (_question, answer) in tied.items():
        if name in FIELDS:
            value = FIELDS[name][1](answer)
            if value is not None:
                data[name] = value
    return data


def write(*, actor, enterprise, tied: dict) -> None:
    """Write the answers tied to profile fields onto the enterprise's profile, when the actor
    keeps that profile (the enterprise's members, the bureaus above it); an institution's
    paper entry leaves the profile to the enterprise. A value the profile refuses is refused
    naming its question."""
    data = profile_data(tied)
    profile = EnterpriseProfile.objects.filter(organisation=enterprise).first()
    if not data or profile is None:
        return
    try:
        enterprise_profile_update(actor=actor, profile=profile, data=data)
    except (PermissionDenied, Http404):
        return
    except ValidationError as error:
        raise ValidationError(
            {
                tied[name][0].name: [f"“{tied[name][0].label}”: {message}" for message in messages]
                for name, messages in error.message_dict.items()
                if name in tied
            }
            or error.messages
        ) from None
