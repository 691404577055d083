from django.contrib import admin

from acquis.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "verb", "object_repr", "actor_label", "from_state", "to_state"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_repr", "actor_label", "verb"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
