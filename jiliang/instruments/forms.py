from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jiliang.instruments.choices import (
    AbcClass,
    Conclusion,
    InstrumentStatus,
    Label,
    MandatoryStatus,
    Purpose,
    Traceability,
)
from jiliang.instruments.importing import EXTRA
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD, IMPORTED
from jiliang.instruments.models import (
    CatalogueItem,
    Instrument,
    VerificationRecord,
    validate_number_prefix,
)
from jiliang.instruments.selectors import SORTS, LedgerFilters
from jiliang.instruments.services import INSTRUMENT_FIELDS, RECORD_FIELDS
from jiliang.orgs.models import Organisation

ANY = [("", _("Any"))]
# The ledger's words for the mandatory filter ("yes"/"no" kept from links already shared).
MANDATORY_FILTER = {
    "yes": MandatoryStatus.MANDATORY,
    "no": MandatoryStatus.NOT_MANDATORY,
    "undecided": MandatoryStatus.UNDECIDED,
}
MANDATORY_CHOICES = [
    ("", _("Any")),
    ("yes", _("Yes")),
    ("no", _("No")),
    ("undecided", _("Cannot decide (无法判定)")),
]
DEPARTMENT_LIST = "department-names"  # the id of the ledger page's <datalist>


def _sort_choices():
    labels = {
        "number": _("Management number"),
        "name": _("Name"),
        "department": _("Department"),
        "status": _("Status"),
        "last": _("Last verified"),
        "due": _("Next due"),
    }
    choices = []
    for key in SORTS:
        choices += [
            (key, labels[key]),
            (f"-{key}", _("%(field)s, descending") % {"field": labels[key]}),
        ]
    return choices


class InstrumentIdsField(forms.Field):
    """Instrument ids repeated in the query string (?id=1&id=2), kept as hidden inputs."""

    widget = forms.MultipleHiddenInput
    limit = 500

    def to_python(self, value):
        try:
            ids = tuple(dict.fromkeys(int(item) for item in value or ()))
        except (TypeError, ValueError):
            raise ValidationError(_("Instrument ids are whole numbers.")) from None
        if len(ids) > self.limit or any(not 0 < pk < 2**31 for pk in ids):
            raise ValidationError(
                _("Give at most %(count)d instrument ids.") % {"count": self.limit}
            )
        return ids


class LedgerFilterForm(forms.Form):
    """The ledger list's filters, read from the query string (all optional)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, management number, serial number or model"),
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ANY + InstrumentStatus.choices
    )
    label = forms.ChoiceField(label=_("Label"), required=False, choices=ANY + Label.choices)
    due_within = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=0, max_value=3650
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mandatory = forms.ChoiceField(
        label=_("Mandatory verification"), required=False, choices=MANDATORY_CHOICES
    )
    # Free text with the known departments offered by a datalist the page loads afterwards:
    # listing them takes longer than the rest of the page on a large ledger.
    department = forms.CharField(
        label=_("Department"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": DEPARTMENT_LIST, "autocomplete": "off"}),
    )
    abc_class = forms.ChoiceField(
        label=_("ABC class"), required=False, choices=ANY + AbcClass.choices
    )
    catalogue_item = forms.ModelChoiceField(
        label=_("Catalogue item"), required=False, queryset=CatalogueItem.objects.all()
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=_sort_choices)
    id = InstrumentIdsField(required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = ANY + [(o.pk, o.name) for o in organisations]
        if len(organisations) < 2:
            del self.fields["organisation"]

    def filters(self) -> LedgerFilters:
        """The valid part of the query as LedgerFilters; invalid fields are ignored."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        item = data.get("catalogue_item")
        return LedgerFilters(
            query=data.get("q", ""),
            organisation=data.get("organisation"),
            status=data.get("status", ""),
            label=data.get("label", ""),
            due_within_days=data.get("due_within"),
            overdue=data.get("overdue", False),
            mandatory_status=MANDATORY_FILTER.get(data.get("mandatory", ""), ""),
            department=data.get("department", ""),
            abc_class=data.get("abc_class", ""),
            catalogue_item=item.pk if item else None,
            ids=data.get("id") or (),
            sort=data.get("sort") or "number",
        )


class InstrumentForm(forms.ModelForm):
    """Validates only; views save through the services."""

    class Meta:
        model = Instrument
        fields = INSTRUMENT_FIELDS
        widgets = {
            "commissioning_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            # htmx asks which catalogue item the typed name suggests.
            "name": forms.TextInput(
                attrs={
                    "hx-get": reverse_lazy("instruments:catalogue_suggest"),
                    "hx-trigger": "change, keyup changed delay:600ms",
                    "hx-target": "#catalogue-suggestion",
                }
            ),
        }


class OrganisationChoiceMixin:
    """An ``organisation`` field among ``organisations``; with only one, it is not asked."""

    def limit_organisations(self, organisations):
        field = self.fields["organisation"]
        field.queryset = organisations
        if len(organisations) == 1:
            self.only_organisation = organisations[0]
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_organisation(self):
        return self.cleaned_data.get("organisation") or getattr(self, "only_organisation", None)


class InstrumentCreateForm(OrganisationChoiceMixin, InstrumentForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    class Meta(InstrumentForm.Meta):
        fields = ["organisation", *INSTRUMENT_FIELDS]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organisations(organisations)


class RecordForm(forms.ModelForm):
    class Meta:
        model = VerificationRecord
        fields = RECORD_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "certificate": forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only imported ledgers may lack the date: a record entered here has one.
        self.fields["date"].required = True
        self.fields["institution"].queryset = Organisation.objects.filter(
            kind="institution", is_active=True
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("institution") and not cleaned.get("institution_name"):
            self.add_error(
                "institution_name", _("Name who performed it, or choose an institution.")
            )
        start, end = cleaned.get("date"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("The valid-until date cannot be before the record date.")
            )
        return cleaned


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG, at most 10 MB."))


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("move", _("Move to department")),
        ("suspend", _("Suspend")),
        ("retire", _("Retire")),
        ("reinstate", _("Put back in use")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    department = forms.CharField(
        label=_("Department"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": DEPARTMENT_LIST, "autocomplete": "off"}),
    )
    instruments = forms.ModelMultipleChoiceField(
        label=_("Instruments"), queryset=Instrument.objects.none()
    )

    def __init__(self, *args, visible_instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = visible_instruments

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "move" and not cleaned.get("department"):
            self.add_error("department", _("Name the department to move to."))
        return cleaned


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue table"),
        help_text=_(
            "The official table as .xlsx, .xls, .ods or .csv, with a header row that has "
            "项目 and, optionally, 种类, 监管方式, 强检形式, 备注."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the catalogue"),
        required=False,
        help_text=_(
            "Remove the items the file does not list. Unchecked, the file extends and "
            "updates the catalogue."
        ),
    )


class ImportUploadForm(OrganisationChoiceMixin, forms.Form):
    file = forms.FileField(
        label=_("Ledger spreadsheet"),
        help_text=_(
            "Your own ledger as .xlsx, .xls, .ods or .csv; title rows, several sheets and "
            "the usual column names are fine."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to use the sheet that looks like a ledger."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organisations(organisations)


class ImportMappingForm(forms.Form):
    """One choice per header of the file: the ledger field it holds, or nothing."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("(ignore this column)")),
            (EXTRA, _("(keep as an attribute of each instrument)")),
        ] + [(c.field, c.header) for c in IMPORTED]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=mapping.get(header, "")
            )
        self.headers = headers

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
        }

    def clean(self):
        cleaned = super().clean()
        chosen = [value for value in cleaned.values() if value and value != EXTRA]
        duplicates = {value for value in chosen if chosen.count(value) > 1}
        if duplicates:
            raise forms.ValidationError(
                _("Each field can come from one column only: %(fields)s.")
                % {
                    "fields": "、".join(
                        COLUMN_BY_FIELD[field].header for field in sorted(duplicates)
                    )
                }
            )
        return cleaned


# What a word of the file outside a field's vocabulary may mean, by field: the values the
# Values form offers. ABC class and 是否强检 may also mean "no value" ("").
WORD_MEANINGS = {
    "purpose": Purpose.choices,
    "status": InstrumentStatus.choices,
    "traceability": Traceability.choices,
    "abc_class": [*AbcClass.choices, ("", _("(no class)"))],
    "conclusion": Conclusion.choices,
    "declared_mandatory": [("yes", _("Yes (是)")), ("no", _("No (否)")), ("", _("Not stated"))],
}
# The form's choice for "the value is empty": "" is taken by "not said".
NO_VALUE_CHOICE = "-"


def word_meaning_label(field: str, value: str) -> str:
    """How a word's meaning reads, e.g. "Other (其他)" for purpose "other"."""
    return str(dict(WORD_MEANINGS.get(field, ())).get(value, value))


class ImportWordsForm(forms.Form):
    """What each word of the file outside a field's vocabulary means: one choice per word,
    most frequent first. A choice left at "not said" keeps the word read as it is now."""

    # Words offered per field; a ledger where every cell of a column is different has more.
    max_words = 50

    def __init__(self, *args, unknown_values: dict, words: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = []  # (form field name, ledger field, word, cells)
        self.not_offered = {}  # ledger field: how many of its words are not offered
        for field, meanings in WORD_MEANINGS.items():
            counted = sorted(
                (unknown_values.get(field) or {}).items(), key=lambda item: (-item[1], item[0])
            )
            said = words.get(field) or {}
            choices = [("", _("(not said: read as now)"))] + [
                (value or NO_VALUE_CHOICE, label) for value, label in meanings
            ]
            for word, cells in counted[: self.max_words]:
                name = f"word_{len(self.entries)}"
                initial = (said[word] or NO_VALUE_CHOICE) if word in said else ""
                self.fields[name] = forms.ChoiceField(
                    label=word, choices=choices, required=False, initial=initial
                )
                # The word itself travels with the choice: the file may have been checked
                # again, with other words, since the form was shown.
                self.fields[f"{name}_text"] = forms.CharField(
                    widget=forms.HiddenInput, required=False, initial=word, strip=False
                )
                self.entries.append((name, field, word, cells))
            if len(counted) > self.max_words:
                self.not_offered[field] = len(counted) - self.max_words

    def groups(self) -> list[dict]:
        """The words by ledger field, for the template: the field's header, and for each word
        its choice, its hidden text and how many cells hold it."""
        groups = {}
        for name, field, word, cells in self.entries:
            group = groups.setdefault(
                field,
                {
                    "field": field,
                    "header": COLUMN_BY_FIELD[field].header,
                    "words": [],
                    "not_offered": self.not_offered.get(field, 0),
                },
            )
            group["words"].append(
                {"choice": self[name], "text": self[f"{name}_text"], "word": word, "cells": cells}
            )
        return list(groups.values())

    def clean(self):
        cleaned = super().clean()
        for name, _field, word, _cells in self.entries:
            if cleaned.get(f"{name}_text") != word:
                raise forms.ValidationError(
                    _("The file was checked again meanwhile: look at its words and choose again.")
                )
        return cleaned

    def words(self) -> dict[str, dict[str, str]]:
        """{field: {word: value}} of the words whose meaning was chosen."""
        said = {}
        for name, field, word, _cells in self.entries:
            value = self.cleaned_data.get(name)
            if value:
                said.setdefault(field, {})[word] = "" if value == NO_VALUE_CHOICE else value
        return said


class LedgerSettingsForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    number_prefix = forms.CharField(
        label=_("Prefix of new management numbers"),
        max_length=20,
        validators=[validate_number_prefix],
        help_text=_(
            "An imported instrument without a management number gets the next number of the "
            "form PREFIX-00001: after the highest such number already in the ledger. With JL: "
            "JL-00001, JL-00002, …; if the ledger has JL-00123, the next is JL-00124."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_organisations(organisations)
        if not hasattr(self, "only_organisation"):
            # Choosing another organisation shows its settings (htmx), before anything is saved.
            self.fields["organisation"].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("instruments:import_settings"),
                    "hx-target": "#ledger-settings",
                    "hx-select": "#ledger-settings",
                    "hx-swap": "outerHTML",
                    "hx-push-url": "true",
                }
            )
