"""When an instrument is due, and the ABC class its use suggests (pure functions)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiliang.core.dates import period_end
from jiliang.instruments.choices import (
    MANDATORY_PURPOSES,
    AbcClass,
    MandatoryForm,
    MandatoryStatus,
    Traceability,
)

NO_PERIODIC_DUE = frozenset({Traceability.ONE_TIME, Traceability.EXEMPT})


def mandatory_status(catalogue_item, purpose: str) -> str:
    """计量法 §9: mandatory when the catalogue item is under 强制检定 and the instrument is used
    for one of the four purposes its scope names (all four when the row names none).

    Used for one of the four purposes without a catalogue item, or with a row whose supervision
    has not been checked against the official table: the platform cannot decide, it does not
    say "not mandatory" (SQL twin: ``InstrumentQuerySet.mandatory_status_condition``)."""
    if purpose not in MANDATORY_PURPOSES:
        return MandatoryStatus.NOT_MANDATORY
    if catalogue_item is None or not catalogue_item.supervision:
        return MandatoryStatus.UNDECIDED
    if catalogue_item.requires_verification and catalogue_item.covers(purpose):
        return MandatoryStatus.MANDATORY
    return MandatoryStatus.NOT_MANDATORY


def is_mandatory(catalogue_item, purpose: str) -> bool:
    return mandatory_status(catalogue_item, purpose) == MandatoryStatus.MANDATORY


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


def due_in_words(due: date, today: date) -> str:
    """How far ``due`` is from ``today``: "due in 3 days", "due today", "overdue by 2 days"."""
    days = (due - today).days
    if days > 0:
        return ngettext("due in %(days)d day", "due in %(days)d days", days) % {"days": days}
    if days == 0:
        return _("due today")
    return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}


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
    """Why the instrument is, is not, or may be under mandatory verification (计量法 §9)."""
    item, purpose = instrument.catalogue_item, instrument.purpose
    status = mandatory_status(item, purpose)
    if status == MandatoryStatus.UNDECIDED:
        return _undecided_explanation(instrument)
    if purpose not in MANDATORY_PURPOSES:
        return _(
            "Not under mandatory verification: it is used for %(purpose)s, not for trade "
            "settlement, safety protection, medical and health or environmental monitoring "
            "(计量法 §9). It may be calibrated instead."
        ) % {"purpose": instrument.get_purpose_display()}
    if not item.requires_verification:
        return _(
            "Not under mandatory verification: its catalogue item (%(item)s) requires "
            "pattern approval only."
        ) % {"item": item}
    if status == MandatoryStatus.NOT_MANDATORY:
        return _(
            "Not under mandatory verification: %(item)s is mandatory only when used for "
            "%(scope)s (the catalogue's scope), and it is used for %(purpose)s."
        ) % {
            "item": item,
            "scope": item.get_scope_purposes_display(),
            "purpose": instrument.get_purpose_display(),
        }
    return _(
        "Under mandatory verification: %(item)s is in the catalogue under %(supervision)s "
        "and it is used for %(purpose)s (计量法 §9). Form: %(form)s."
    ) % {
        "item": item,
        "supervision": item.supervision,
        "purpose": instrument.get_purpose_display(),
        "form": item.get_mandatory_form_display() or "—",
    }


def _undecided_explanation(instrument) -> str:
    if instrument.catalogue_item is None:
        return _(
            "Cannot decide (无法判定) whether it is under mandatory verification: it is used for "
            "%(purpose)s, but no catalogue item is chosen and the platform's catalogue may lack "
            "its item. Choose its catalogue item, or set its purpose to 其他 if it is not used "
            "for one of the four purposes."
        ) % {"purpose": instrument.get_purpose_display()}
    return _(
        "Cannot decide (无法判定) whether it is under mandatory verification: the supervision "
        "of its catalogue item (%(item)s) has not been checked against the official table. "
        "Check it in the catalogue, or choose another item."
    ) % {"item": instrument.catalogue_item}
