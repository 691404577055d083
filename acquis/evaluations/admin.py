from django.contrib import admin

from acquis.evaluations.models import EvaluationSession, JurorProfile


@admin.register(JurorProfile)
class JurorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "certifier", "role", "years_experience", "represents_certifier"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationSession)
class EvaluationSessionAdmin(JurorProfileAdmin):
    list_display = ["title", "date", "place", "status"]
