"""Forms of an institution's certificate settings: its numbering rule and its measurement
standards (they validate; institution_services saves)."""

from django import forms

from jiliang.orders.forms import date_input
from jiliang.orders.institution_services import RULE_FIELDS, STANDARD_FIELDS
from jiliang.orders.models import CertificateNumberRule, MeasurementStandard


class NumberRuleForm(forms.ModelForm):
    class Meta:
        model = CertificateNumberRule
        fields = RULE_FIELDS


class StandardForm(forms.ModelForm):
    class Meta:
        model = MeasurementStandard
        fields = STANDARD_FIELDS
        widgets = {"valid_until": date_input()}
