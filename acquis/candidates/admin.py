"""Django admin: candidate records are read here; every change goes through the staff
screens, whose verbs check the rules and write the audit trail."""

from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.candidates.models import Candidacy, Candidate, Cohort


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["birth_name", "first_name", "birth_date", "certifier"]
    search_fields = ["birth_name", "usage_name", "first_name", "email"]


@admin.register(Candidacy)
class CandidacyAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "version", "pathway", "status", "cohort", "partner"]
    list_filter = ["status", "pathway"]


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "starts_on", "ends_on"]
