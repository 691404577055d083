"""What remains to issue: signed decisions in force whose documents are not issued yet."""

from django.db.models import Exists, OuterRef

from acquis.credentials.models import IssuedDocument
from acquis.juries.models import Decision


def awaiting_issue(certifiers):
    """Signed decisions in force (not corrected) of these certifiers that have issued no
    document yet (the staff dashboard's "documents to issue")."""
    corrected = Decision.objects.filter(corrects=OuterRef("pk"), frozen=True)
    issued = IssuedDocument.objects.filter(decision=OuterRef("pk"))
    return Decision.objects.filter(frozen=True, deliberation__certifier__in=certifiers).exclude(
        Exists(corrected) | Exists(issued)
    )
