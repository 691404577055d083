"""Uploaded files: stored through Django's storage API, never served publicly."""

import uuid

from django.conf import settings
from django.db import models


def _upload_to(instance, filename) -> str:
    # Never the user's file name on disk: an opaque name under a dated folder.
    return f"documents/{instance.uploaded_at:%Y/%m}/{instance.uuid}.{instance.extension}"


class Document(models.Model):
    uuid = models.UUIDField("identifiant", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("fichier", upload_to=_upload_to, max_length=255)
    original_name = models.CharField("nom d'origine", max_length=255)
    content_type = models.CharField("type de contenu", max_length=100)
    extension = models.CharField("extension", max_length=5)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    kind = models.CharField("nature", max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("déposé le")
    purged_at = models.DateTimeField(
        "contenu effacé le",
        null=True,
        blank=True,
        help_text="Durée de conservation échue ou effacement RGPD : le fichier n'existe plus, "
        "son empreinte et sa date restent.",
    )

    class Meta:
        verbose_name = "pièce déposée"
        verbose_name_plural = "pièces déposées"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def delete(self, *args, **kwargs):
        raise ValueError("Une pièce déposée n'est jamais supprimée.")
