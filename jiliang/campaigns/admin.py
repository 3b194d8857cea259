from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiliang.campaigns import counting, services
from jiliang.campaigns.models import Campaign, Indicator
from jiliang.core.admin import ServiceModelAdmin


class IndicatorForm(forms.ModelForm):
    counter = forms.ChoiceField(label=_("counted from the platform"), required=False)

    class Meta:
        model = Indicator
        fields = services.INDICATOR_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [("", "—")] + [
            (name, name) for name in counting.counter_names()
        ]


@admin.register(Indicator)
class IndicatorAdmin(ServiceModelAdmin):
    form = IndicatorForm
    list_display = ["position", "code", "name", "unit", "aggregation", "counter", "is_active"]
    list_display_links = ["code", "name"]
    list_filter = ["aggregation", "is_active"]
    search_fields = ["code", "name", "name_en"]
    fields = services.INDICATOR_FIELDS

    def create(self, request, data):
        return services.indicator_create(actor=request.user, **data)

    def update(self, request, stored, data):
        return services.indicator_update(actor=request.user, indicator=stored, data=data)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Campaigns are made and changed by their organisers in the platform; here they are only
    looked at."""

    list_display = ["name", "year", "region", "organiser", "period_type", "deadline_days"]
    list_filter = ["year", "period_type"]
    search_fields = ["name", "region__name", "organiser__name"]
    readonly_fields = [
        "name",
        "year",
        "region",
        "organiser",
        "period_type",
        "deadline_days",
        "indicators",
        "created_by",
        "created",
        "updated",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
