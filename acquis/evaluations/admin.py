from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.evaluations.models import EvaluationSession, JurorProfile


@admin.register(JurorProfile)
class JurorProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "certifier", "role", "years_experience", "represents_certifier"]


@admin.register(EvaluationSession)
class EvaluationSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "place", "status"]
