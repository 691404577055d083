from django.contrib import admin

from acquis.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "size", "uploaded_at", "uploaded_by"]
    readonly_fields = ["uuid", "sha256", "size", "content_type", "uploaded_at", "uploaded_by"]
    exclude = ["file"]  # downloads go through the permission-checked view only

    def has_delete_permission(self, request, obj=None):
        return False
