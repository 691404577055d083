from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from acquis.audit.services import record_event
from acquis.organisations.models import CertifierProfile, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description="Réinitialiser la double authentification (audité)")
    def reset_two_factor(self, request, queryset):
        # start-up: two-factor brings segno (QR codes); the admin is imported by every
        # `acquis` command (docs/testing.md, Démarrage).
        from acquis.security import twofactor

        for user in queryset:
            twofactor.reset(user, actor=request.user)
        self.message_user(
            request,
            "Double authentification réinitialisée : la personne l'activera de nouveau à sa "
            "prochaine connexion.",
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "habilitation"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]


@admin.register(CertifierProfile)
class CertifierProfileAdmin(admin.ModelAdmin):
    """A certifier's settings (name, logo, signatory, CDC identifiers); changes audited."""

    list_display = ["certifier", "display_name", "signatory_name", "cdc_client_id"]
    search_fields = ["certifier__name", "display_name"]
    readonly_fields = ["signing_keys"]

    @admin.display(description="clés de signature (fichiers)")
    def signing_keys(self, obj):
        if obj is None or obj.certifier_id is None:
            return "—"
        # start-up: the credentials' key modules bring cryptography's X.509 and the badges;
        # the admin is imported by every `acquis` command (docs/testing.md, Démarrage).
        from acquis.credentials import certifier_keys

        return " ; ".join(certifier_keys.describe(obj.certifier))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(
            "organisation.settings_changed",
            obj.certifier,
            actor=request.user,
            payload={"fields": sorted(form.changed_data)},
        )
