"""Keep the jurors' search text in step with their account (names and e-mail live on it)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from acquis.evaluations.models import JurorProfile


@receiver(post_save, sender=get_user_model(), dispatch_uid="juror_search_text")
def refresh_juror_search_text(sender, instance, raw=False, **kwargs):
    if raw:
        return

    for profile in JurorProfile.objects.filter(user=instance).only("pk", "structure"):
        JurorProfile.objects.filter(pk=profile.pk).update(
            search_text=JurorProfile.search_text_for(instance, profile.structure)
        )
