"""Read-only admin of the juries: a decision, a PV or a signature changes only through the
domain's verbs (deliberations, decisions, minutes, corrections), never by hand. Even a
superuser cannot add, change or delete a row here; a signed decision is also refused by the
model itself (FrozenGuard)."""

from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.juries.models import (
    BlockDecision,
    Decision,
    Deliberation,
    DeliberationCandidate,
    HeldBlock,
    JuryMember,
    Minutes,
    MinutesSignature,
)


class JuryMemberInline(admin.TabularInline):
    model = JuryMember
    extra = 0
    can_delete = False
    fields = ["user", "role", "external", "organisation", "present"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "place", "kind", "status", "certifier"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "place"]
    inlines = [JuryMemberInline]


@admin.register(DeliberationCandidate)
class DeliberationCandidateAdmin(ReadOnlyAdmin):
    list_display = ["deliberation", "candidacy", "position"]


class BlockDecisionInline(admin.TabularInline):
    model = BlockDecision
    extra = 0
    can_delete = False
    fields = ["block", "validated", "proposed", "held_before"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["candidacy", "deliberation", "kind", "proposed_kind", "deadline", "frozen"]
    list_filter = ["kind", "frozen"]
    search_fields = ["candidacy__candidate__birth_name", "candidacy__candidate__usage_name"]
    inlines = [BlockDecisionInline]


@admin.register(HeldBlock)
class HeldBlockAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "block_code", "granted_on", "decision", "revoked_by"]
    search_fields = ["candidate__birth_name", "candidate__usage_name", "block_code"]


class MinutesSignatureInline(admin.TabularInline):
    model = MinutesSignature
    extra = 0
    can_delete = False
    fields = ["member", "signed_at", "content_hash"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["number", "deliberation", "generated_at", "superseded"]
    search_fields = ["number"]
    inlines = [MinutesSignatureInline]


@admin.register(JuryMember)
class JuryMemberAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "external", "organisation", "present", "deliberation"]


@admin.register(BlockDecision)
class BlockDecisionAdmin(ReadOnlyAdmin):
    list_display = ["decision", "block", "validated", "proposed", "held_before"]


@admin.register(MinutesSignature)
class MinutesSignatureAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "member", "signed_at", "content_hash"]
