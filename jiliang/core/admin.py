"""Django admin for platform administrators; every save goes through the app's services."""

from django.contrib import admin

from jiliang.core.models import AuditEvent


class ServiceModelAdmin(admin.ModelAdmin):
    """Routes the admin's create and change through services, so they validate and audit.

    Subclasses implement ``create(request, data)`` and ``update(request, stored, data)``; the
    service receives the stored object, not the one the admin form already changed.
    """

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            saved = self.update(request, stored, data)
        else:
            saved = self.create(request, form.cleaned_data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def create(self, request, data):
        raise NotImplementedError

    def update(self, request, stored, data):
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "organisation", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor__username", "organisation__name"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
