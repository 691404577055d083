from django.contrib import admin, messages

from acquis.admin_base import ReadOnlyAdmin
from acquis.security import throttle
from acquis.security.models import Throttle

# Every deletion in the administration goes one object at a time, so that each is logged
# (LogEntry) and audited (`admin.action`, acquis/security/signals.py).
admin.site.disable_action("delete_selected")


@admin.register(Throttle)
class ThrottleAdmin(ReadOnlyAdmin):
    list_display = ["scope", "key_digest", "count", "window_start", "locked_until"]
    list_filter = ["scope"]
    actions = ["lift_lock"]

    @admin.action(description="Lever le verrou (audité)")
    def lift_lock(self, request, queryset):
        for row in queryset.filter(locked_until__isnull=False):
            throttle.unlock(row, actor=request.user)
        messages.success(request, "Verrous levés.")
