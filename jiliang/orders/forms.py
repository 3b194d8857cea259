"""Forms of the order pages; they validate input, the services decide."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core.uploads import validate_document
from jiliang.instruments.choices import Conclusion
from jiliang.instruments.models import Instrument
from jiliang.orders import selectors
from jiliang.orders.choices import (
    APPROVAL_KINDS,
    OPEN_STATUSES,
    OrderKind,
    OrderStatus,
    ServiceMode,
)
from jiliang.orders.models import MeasurementStandard, OrderPause
from jiliang.orders.selectors import OrderFilters
from jiliang.orders.services import ORDER_FIELDS
from jiliang.orgs.models import Organisation

ANY = [("", _("Any"))]
DATE_WIDGET = {"type": "date"}
# The fields each service mode needs beyond the common ones.
MODE_FIELDS = {
    ServiceMode.MAIL: ("carrier", "tracking_number"),
    ServiceMode.ON_SITE: ("site_address", "wished_from", "wished_to"),
}
DATE_FIELDS = {"wished_from", "wished_to"}
MAX_ATTACHMENTS = 10


def date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked like a single upload (PDF, PNG, JPEG)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        kwargs.setdefault("validators", [validate_document])
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files at once.") % {"count": MAX_ATTACHMENTS}
            )
        if not uploads and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class ServiceForm(forms.Form):
    """Where the order goes, how the items travel and whom to call: what an order and a
    mandatory filing share. Only the fields of the chosen service mode are on the form; the
    page asks for the others (htmx) when the mode changes."""

    institution = forms.ModelChoiceField(
        label=_("Metrology institution"), queryset=Organisation.objects.none()
    )
    service_mode = forms.ChoiceField(
        label=_("Service mode"), choices=ServiceMode.choices, initial=ServiceMode.DROP_OFF
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        required=False,
        help_text=_("The number on the waybill of the mailed sample."),
    )
    site_address = forms.CharField(
        label=_("Site address"),
        max_length=300,
        required=False,
        help_text=_("Where the institution's staff should come."),
    )
    wished_from = forms.DateField(label=_("Wished from"), required=False, widget=date_input())
    wished_to = forms.DateField(label=_("Wished to"), required=False, widget=date_input())
    contact_name = forms.CharField(label=_("Contact"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)

    refreshing = ("service_mode",)  # the fields whose change reloads #order-fields

    def __init__(self, *args, refresh_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = selectors.order_institutions()
        self.mode = self.current("service_mode")
        for mode, names in MODE_FIELDS.items():
            if mode != self.mode:
                for name in names:
                    del self.fields[name]
        if self.mode == ServiceMode.MAIL:
            self.fields["tracking_number"].required = True
        if self.mode == ServiceMode.ON_SITE:
            self.fields["site_address"].required = True
        self.refresh_url = refresh_url
        for name in self.refreshing:
            if name in self.fields and refresh_url:
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": refresh_url,
                        "hx-include": "closest form",
                        "hx-target": "#order-fields",
                        "hx-select": "#order-fields",
                        "hx-swap": "outerHTML",
                        "hx-trigger": "change",
                        # The last change wins: an earlier answer must not replace a later one.
                        "hx-sync": "closest form:replace",
                    }
                )

    def _bound(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def head_fields(self) -> list:
        """The fields above those of the chosen mode and kind (a hidden one is left out)."""
        return [
            field
            for field in self._bound(("enterprise", "institution", "kind", "service_mode"))
            if not field.is_hidden
        ]

    @property
    def mode_fields(self) -> list:
        return self._bound(MODE_FIELDS.get(self.mode, ()))

    @property
    def contact_fields(self) -> list:
        return self._bound(("contact_name", "contact_phone"))

    def current(self, name: str):
        """The field's value as the page shows it: what was sent, else the initial value."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        value = self.initial.get(name)
        if value is None and name in self.base_fields:
            value = self.base_fields[name].initial
        return value if value is not None else ""

    def service_fields(self) -> dict:
        """The order's own fields for the service, those of other modes emptied."""
        return {
            name: self.cleaned_data.get(name, None if name in DATE_FIELDS else "")
            for name in ORDER_FIELDS
            if name != "description"
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("wished_from"), cleaned.get("wished_to")
        if start and end and end < start:
            self.add_error("wished_to", _("The last wished day is before the first."))
        return cleaned


class OrderForm(ServiceForm):
    """A new order, or a draft or returned one being changed (``order``): kind, institution and
    enterprise are then fixed. Ledger kinds choose instruments, approvals describe their object
    and attach its documents."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrderKind.choices, initial=OrderKind.VERIFICATION
    )
    instruments = forms.ModelMultipleChoiceField(
        label=_("Instruments"),
        queryset=Instrument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Instrument %(value)s is not one of this enterprise's instruments in service."
            ),
            "invalid_pk_value": _("“%(pk)s” is not an instrument."),
        },
    )
    description = forms.CharField(
        label=_("What the approval is for"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The measurement standard, the authorisation or the pattern applied for."),
    )
    attachments = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("The application material: PDF, PNG or JPEG, at most 10 MB each."),
    )

    field_order = [
        "enterprise",
        "institution",
        "kind",
        "service_mode",
        *[name for names in MODE_FIELDS.values() for name in names],
        "instruments",
        "description",
        "attachments",
        "contact_name",
        "contact_phone",
    ]
    refreshing = ("enterprise", "kind", "service_mode")

    def __init__(self, *args, user, enterprises=None, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.order = user, order
        if order is not None:
            for name in ("enterprise", "institution", "kind"):
                del self.fields[name]
            self.ordering_enterprise, self.kind = order.enterprise, order.kind
        else:
            self.ordering_enterprise = self._choose_enterprise(enterprises)
            self.kind = self.current("kind")
        self.is_approval = self.kind in APPROVAL_KINDS
        if self.is_approval:
            del self.fields["instruments"]
            self.fields["description"].required = True
        else:
            del self.fields["description"]
            del self.fields["attachments"]
            self.fields["instruments"].queryset = (
                selectors.orderable_instruments(user=user, enterprise=self.ordering_enterprise)
                if self.ordering_enterprise
                else Instrument.objects.none()
            )

    def _choose_enterprise(self, enterprises):
        field = self.fields["enterprise"]
        field.queryset = enterprises
        field.empty_label = None
        enterprises = list(enterprises)
        if len(enterprises) == 1:
            field.widget = forms.HiddenInput()
            field.required = False
            self.initial.setdefault("enterprise", enterprises[0].pk)
        wanted = str(self.current("enterprise"))
        chosen = next((item for item in enterprises if str(item.pk) == wanted), None)
        return chosen or (enterprises[0] if enterprises else None)

    def clean_enterprise(self):
        return self.cleaned_data.get("enterprise") or self.ordering_enterprise

    def chosen_instrument_ids(self) -> list[int]:
        """The instruments ticked on the page (the picker keeps them ticked while searching)."""
        if self.is_bound:
            values = self.data.getlist("instruments") if hasattr(self.data, "getlist") else []
        else:
            values = self.initial.get("instruments") or []
        ids = []
        for value in values:
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                continue
        return ids

    def picker(self) -> dict:
        """What the instrument picker shows first: the ticked instruments and the others."""
        if self.ordering_enterprise is None:
            return {"selected": [], "others": [], "more": False, "limit": selectors.PICKER_LIMIT}
        selected, others, more = selectors.instrument_choices(
            user=self.user,
            enterprise=self.ordering_enterprise,
            chosen=self.chosen_instrument_ids(),
            order=self.order,
        )
        return {
            "selected": selected,
            "others": others,
            "more": more,
            "limit": selectors.PICKER_LIMIT,
        }

    @property
    def free_of_charge(self) -> bool:
        return self.kind == OrderKind.MANDATORY_VERIFICATION

    @property
    def green_channel(self) -> bool:
        return bool(self.ordering_enterprise and self.ordering_enterprise.is_sme)

    def order_values(self) -> dict:
        fields = self.service_fields()
        fields["description"] = self.cleaned_data.get("description", "")
        return fields

    def chosen_instruments(self):
        """The instruments for the service; None for an approval, which has none."""
        if self.is_approval:
            return None
        return list(self.cleaned_data.get("instruments") or [])


class MandatoryFilingForm(ServiceForm):
    """强检备案与预约: the institution and the service for all due mandatory instruments."""


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What the enterprise must change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The enterprise is told this reason, changes the order and submits it again."),
    )


class ReceiveForm(forms.Form):
    """Receiving the items; for on-site service, the day of the visit (the one scheduled
    unless it moved), from which the time limit counts; the service checks it (not to come,
    at most 30 days ago)."""

    visit_date = forms.DateField(
        label=_("Date of the visit"),
        widget=date_input(),
        help_text=_("The time limit counts from the visit."),
    )

    def __init__(self, *args, order, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        if order.service_mode != ServiceMode.ON_SITE or order.is_approval:
            del self.fields["visit_date"]
        else:
            planned = order.visit_date or order.wished_from or today
            self.fields["visit_date"].initial = min(planned, today)


class PauseStartForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=OrderPause.Reason.choices)
    started = forms.DateField(label=_("From"), widget=date_input())


class PauseEndForm(forms.Form):
    ended = forms.DateField(label=_("To"), widget=date_input(), help_text=_("The last paused day."))

    def __init__(self, *args, pause=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pause = pause

    def clean_ended(self):
        ended = self.cleaned_data["ended"]
        if self.pause is not None and ended < self.pause.started:
            raise forms.ValidationError(
                _("The pause started on %(date)s: it cannot end before.")
                % {"date": self.pause.started.isoformat()}
            )
        return ended


class ItemResultForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    result_date = forms.DateField(label=_("Date of the result"), widget=date_input())
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=date_input())
    measured_error = forms.CharField(label=_("Measured error"), max_length=100, required=False)
    expanded_uncertainty = forms.CharField(
        label=_("Expanded uncertainty"), max_length=100, required=False
    )
    regulation = forms.CharField(
        label=_("Regulation (检定依据)"),
        max_length=200,
        required=False,
        help_text=_("The JJG or JJF code and title, e.g. JJG 52-2013."),
    )
    standards = forms.ModelMultipleChoiceField(
        label=_("Measurement standards used"),
        queryset=MeasurementStandard.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        max_digits=4,
        decimal_places=1,
        min_value=-50,
        max_value=100,
        required=False,
    )
    humidity = forms.DecimalField(
        label=_("Relative humidity (%)"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    certificate = forms.FileField(
        label=_("Certificate"),
        required=False,
        validators=[validate_document],
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=_("The signed certificate as PDF (or PNG, JPEG), at most 10 MB."),
    )

    def __init__(self, *args, user, item, numbered: bool, **kwargs):
        super().__init__(*args, **kwargs)
        standards = self.fields["standards"]
        standards.queryset = selectors.standards_to_choose(user=user, item=item)
        if not standards.queryset.exists():
            standards.help_text = _("The institution's administrators list its standards.")
        if numbered:
            self.fields["certificate_number"].help_text = _(
                "Leave it empty: the number is given by the institution's rule when the "
                "certificate is generated."
            )
        else:
            self.fields["certificate_number"].help_text = _(
                "The institution has no numbering rule: type the number to generate the "
                "certificate."
            )

    def clean_result_date(self):
        result_date = self.cleaned_data["result_date"]
        if result_date > timezone.localdate():
            raise forms.ValidationError(_("The date of the result cannot be in the future."))
        return result_date

    def result(self) -> dict:
        """The fields for the service; the stored certificate stays unless a new one came."""
        result = dict(self.cleaned_data)
        if not result.get("certificate"):
            result.pop("certificate", None)
        return result


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + OrderStatus.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + OrderKind.choices)

    def filters(self) -> OrderFilters:
        """The valid part of the query; invalid fields are ignored."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return OrderFilters(status=data.get("status", ""), kind=data.get("kind", ""))


class QueueFilterForm(OrderFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=ANY
        + [(value, label) for value, label in OrderStatus.choices if value in OPEN_STATUSES],
    )
    institution = forms.TypedChoiceField(
        label=_("Institution"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(item.pk, item.name) for item in institutions]
        if len(institutions) < 2:
            del self.fields["institution"]

    def chosen_institution(self, institutions):
        """The chosen institution, else the first."""
        self.is_valid()
        wanted = self.cleaned_data.get("institution") if "institution" not in self.errors else None
        return next((item for item in institutions if item.pk == wanted), institutions[0])


class VisitForm(forms.Form):
    """The day the institution's staff come to an on-site order; the service checks it (not
    in the past, within a year)."""

    visit_date = forms.DateField(
        label=_("Date of the visit"),
        widget=date_input(),
        help_text=_("The enterprise is told. The time limit will count from the visit."),
    )

    def __init__(self, *args, order, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        wished = order.wished_from if order.wished_from and order.wished_from >= today else None
        self.fields["visit_date"].initial = order.visit_date or wished or today


class TimeLimitForm(forms.Form):
    """One of an institution's time limits: a kind, normal or green channel, in working days;
    empty (or the "use the default" button) goes back to the platform's default. The range is
    the service's to check, and its message is shown on the field."""

    kind = forms.ChoiceField(choices=OrderKind.choices, widget=forms.HiddenInput)
    green_channel = forms.BooleanField(required=False, widget=forms.HiddenInput)
    working_days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
    )

    def __init__(self, data=None, *, kind: str = "", green_channel: bool = False, **kwargs):
        if data is not None:  # the row the posted form belongs to
            kind = str(data.get("kind", ""))
            green_channel = str(data.get("green_channel", "")).lower() in ("true", "1", "on")
        channel = "green" if green_channel else "normal"
        initial = {"kind": kind, "green_channel": green_channel, **kwargs.pop("initial", {})}
        super().__init__(data, auto_id=f"limit-{kind}-{channel}-%s", initial=initial, **kwargs)
        self.row_key = (kind, green_channel)

    def clean(self):
        cleaned = super().clean()
        if self.data.get("use_default"):
            cleaned["working_days"] = None
        return cleaned
