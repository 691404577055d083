"""The upload form of the dossier pages (candidate portal and partner screens).

It checks the input's shape only (a file was chosen); the domain verbs check the file itself
(type by content, size, emptiness: acquis.documents.services.store_upload) and the rules,
and their French messages are shown beside the field (the CandidateError problem about "file").
"""

from django import forms
from django.conf import settings

from acquis.candidates.exceptions import CandidateError

ACCEPT = (
    ".pdf,.docx,.odt,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.oasis.opendocument.text"
)


def upload_help_text() -> str:
    # Megabytes counted as store_upload counts them in its refusal, so that both agree.
    limit = settings.ACQUIS_UPLOAD_MAX_BYTES / 1_000_000
    return f"Formats acceptés : PDF, DOCX ou ODT ; {limit:.0f} Mo au maximum."


class UploadForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # the service says it in its own words ("le fichier est vide")
        error_messages={
            "required": "Choisissez le fichier à déposer.",
            "invalid": "Le fichier n'a pas été reçu : choisissez-le à nouveau.",
            "missing": "Le fichier n'a pas été reçu : choisissez-le à nouveau.",
        },
    )

    def __init__(self, *args, label: str, confirm_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.label = label
        field.help_text = upload_help_text()
        field.widget.attrs["accept"] = ACCEPT
        if confirm_label:
            # Replacing a file that was already checked undoes those checks: the person
            # says she knows it (nothing is replaced otherwise).
            self.fields["confirm_replace"] = forms.BooleanField(
                label=confirm_label,
                error_messages={
                    "required": "Cochez la case pour confirmer le remplacement du fichier."
                },
            )

    def add_domain_error(self, exc: CandidateError) -> None:
        """Show a verb's refusal beside the file field (or above the form)."""
        message = exc.problem_for("file")
        if message:
            self.add_error("file", message)
        else:
            self.add_error(None, str(exc))
