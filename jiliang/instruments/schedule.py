"""When an instrument is due, and the ABC class its use suggests (pure functions)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from jiliang.core.dates import period_end
from jiliang.instruments.choices import MANDATORY_PURPOSES, AbcClass, MandatoryForm, Traceability

NO_PERIODIC_DUE = frozenset({Traceability.ONE_TIME, Traceability.EXEMPT})


def is_mandatory(catalogue_item, purpose: str) -> bool:
    """计量法 §9: in the catalogue under 强制检定 and used for one of the four purposes."""
    return bool(
        catalogue_item and catalogue_item.requires_verification and purpose in MANDATORY_PURPOSES
    )


def mandatory_form(catalogue_item, purpose: str) -> str:
    """The form of mandatory verification that applies, or "" when none does."""
    return catalogue_item.mandatory_form if is_mandatory(catalogue_item, purpose) else ""


def needs_interval(traceability: str, form: str) -> bool:
    """Periodically verified or calibrated instruments need their interval to have a due date."""
    return traceability not in NO_PERIODIC_DUE and form != MandatoryForm.FIRST_ONLY_DISCARD


def next_due(instrument, current_records: list) -> date | None:
    """The date by which the instrument must be verified again, or replaced.

    ``current_records`` are the instrument's records not superseded, newest first.

    - 只做首次强制检定，失准报废, one-time verification and exempt instruments: none.
    - 只做首次强制检定，限期使用，到期轮换: the replacement date, the use life
      (``interval_months``) from the first verification, else from commissioning.
    - otherwise the latest record's valid-until when the certificate states one, else its date
      plus the interval minus one day.
    """
    form = instrument.mandatory_form
    if form == MandatoryForm.FIRST_ONLY_DISCARD or instrument.traceability in NO_PERIODIC_DUE:
        return None
    if form == MandatoryForm.FIRST_ONLY_ROTATE:
        first = (current_records[-1].date if current_records else None) or (
            instrument.commissioning_date
        )
        return (
            period_end(first, instrument.interval_months)
            if first and instrument.interval_months
            else None
        )
    if not current_records:
        return None
    latest = current_records[0]
    if latest.valid_until:
        return latest.valid_until
    return (
        period_end(latest.date, instrument.interval_months) if instrument.interval_months else None
    )


def suggest_abc_class(instrument) -> tuple[str, str]:
    """The class domain practice suggests (not a national standard), with the reason."""
    if instrument.is_mandatory:
        return AbcClass.A, _("Under mandatory verification: class A.")
    if instrument.traceability in NO_PERIODIC_DUE:
        return AbcClass.C, _("One-time verification or exempt: class C.")
    if instrument.purpose in MANDATORY_PURPOSES:
        return AbcClass.B, _(
            "Used for trade, safety, health or the environment but not in the catalogue: class B."
        )
    if instrument.traceability == Traceability.VERIFICATION:
        return AbcClass.B, _("Verified periodically for general measurements: class B.")
    return AbcClass.C, _("Calibrated or self-checked for indication only: class C.")


def mandatory_explanation(instrument) -> str:
    """Why the instrument is, or is not, under mandatory verification (计量法 §9)."""
    item = instrument.catalogue_item
    if item is None:
        return _(
            "Not under mandatory verification: it is not in the catalogue of instruments "
            "under mandatory management."
        )
    if not item.requires_verification:
        return _(
            "Not under mandatory verification: its catalogue item (%(item)s) requires "
            "pattern approval only."
        ) % {"item": item}
    if instrument.purpose not in MANDATORY_PURPOSES:
        return _(
            "Not under mandatory verification: %(item)s is in the catalogue, but it is used "
            "for %(purpose)s, not for trade settlement, safety protection, medical and "
            "health or environmental monitoring (计量法 §9). It may be calibrated instead."
        ) % {"item": item, "purpose": instrument.get_purpose_display()}
    return _(
        "Under mandatory verification: %(item)s is in the catalogue under %(supervision)s "
        "and it is used for %(purpose)s (计量法 §9). Form: %(form)s."
    ) % {
        "item": item,
        "supervision": item.supervision,
        "purpose": instrument.get_purpose_display(),
        "form": item.get_mandatory_form_display() or "—",
    }
