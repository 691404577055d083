"""Shared Django admin base: records that change only through the domain's verbs."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read in the admin; every change goes through a service that checks and audits it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
