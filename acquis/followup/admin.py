from django.contrib import admin

from acquis.admin_base import ReadOnlyAdmin
from acquis.followup.models import Answer, Campaign, Invitation


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "certification", "delay_months", "status", "closes_on")
    list_filter = ("status", "delay_months")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "campaign", "population", "pathway", "sent_at", "opted_out_at")
    list_filter = ("campaign",)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("pk", "situation", "in_targeted_job", "contract_type", "submitted_at")
