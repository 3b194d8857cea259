from django.contrib import admin

from jiliang.core.admin import ServiceModelAdmin
from jiliang.orgs import services
from jiliang.orgs.models import Membership, Organisation, Region

CENTRE_FIELDS = ["longitude", "latitude"]


@admin.register(Region)
class RegionAdmin(ServiceModelAdmin):
    """The reference regions. ``parent`` is the region a region reports to: changing it moves
    the region with its whole subtree (``services.region_update`` rewrites their paths). The
    loader of the reference regions never moves a stored region back (see orgs.reference)."""

    list_display = ["name", "code", "level", "parent", "path"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "level", "parent", "path", "longitude", "latitude"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    def create(self, request, data):
        data = dict(data)
        centre = {name: data.pop(name, None) for name in CENTRE_FIELDS}
        region = services.region_create(actor=request.user, **data)
        if any(value is not None for value in centre.values()):
            region = services.region_locate(actor=request.user, region=region, **centre)
        return region

    def update(self, request, stored, data):
        centre = {name: data.pop(name) for name in CENTRE_FIELDS if name in data}
        region = services.region_update(actor=request.user, region=stored, data=data)
        if centre:
            region = services.region_locate(
                actor=request.user,
                region=region,
                **{name: centre.get(name, getattr(region, name)) for name in CENTRE_FIELDS},
            )
        return region


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
