"""Django admin for staff: the referential is read here, never edited (versions are immutable;
a change is a new file loaded with `acquis referential load`)."""

from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.referential.models import (
    Assessment,
    Block,
    Certification,
    CertificationVersion,
    Competency,
    Criterion,
)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "registry_number", "owner"]
    search_fields = ["code", "title", "registry_number"]
    fields = ["code", "title", "registry_number", "owner"]
    readonly_fields = ["code", "title", "registry_number"]  # the owner may be assigned

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificationVersion)
class CertificationVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "certification",
        "number",
        "status",
        "source_kind",
        "needs_review",
        "created_at",
    ]
    list_filter = ["status", "source_kind", "needs_review"]
    search_fields = ["title", "registry_number", "certification__code"]
    exclude = ["document"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "version"]
    search_fields = ["code", "title"]


@admin.register(Competency)
class CompetencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "statement", "block", "needs_review"]
    list_filter = ["needs_review"]
    search_fields = ["code", "statement"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "kind", "duration_minutes", "final", "version"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "text"]
    search_fields = ["code", "text"]
