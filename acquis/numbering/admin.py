from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.numbering.models import YearlyCounter


@admin.register(YearlyCounter)
class YearlyCounterAdmin(ReadOnlyAdmin):
    list_display = ["certifier", "kind", "year", "last"]
    list_filter = ["kind", "year"]
