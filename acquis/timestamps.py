"""`updated_at` on the rows the machine API lets partners synchronise (`updated_since`).

`auto_now` alone misses the saves that name their columns (`save(update_fields=[...])`,
which the workflow helper uses for every state change): `save` adds the column itself, so
a state move is always seen by a client asking what changed since its last sync.
"""

from django.db import models


class UpdatedAtModel(models.Model):
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)
