from django.contrib import admin

from jiliang.core.admin import ServiceModelAdmin
from jiliang.orgs import services
from jiliang.orgs.models import Membership, Organisation, Region


@admin.register(Region)
class RegionAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "level", "parent"]
    autocomplete_fields = ["parent"]

    def create(self, request, data):
        return services.region_create(actor=request.user, **data)

    def update(self, request, stored, data):
        return services.region_update(actor=request.user, region=stored, data=data)


@admin.register(Organisation)
class OrganisationAdmin(ServiceModelAdmin):
    list_display = ["name", "kind", "uscc", "region", "size_class", "is_active"]
    list_filter = ["kind", "size_class", "industry", "is_active"]
    search_fields = ["name", "uscc"]
    fields = services.ORGANISATION_FIELDS
    autocomplete_fields = ["region"]

    def create(self, request, data):
        return services.organisation_create(actor=request.user, **data)

    def update(self, request, stored, data):
        return services.organisation_update(actor=request.user, organisation=stored, data=data)


@admin.register(Membership)
class MembershipAdmin(ServiceModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    actions = None

    def get_fields(self, request, obj=None):
        return ["role"] if obj else ["user", "organisation", "role"]

    def create(self, request, data):
        return services.membership_add(actor=request.user, **data)

    def update(self, request, stored, data):
        return services.membership_change_role(
            actor=request.user, membership=stored, role=data.get("role", stored.role)
        )

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        services.membership_remove(actor=request.user, membership=obj)
