"""Staff record of one issued document or badge, with revocation and reissue.

- `/gestion/documents-delivres/<pk>/fiche/`: what was issued, for whom, from which
  decision, its hash, its verification link, its history (audit events), the badges of
  the same decision; forms to revoke it or to replace it (certificate or attestation whose
  holder data was corrected: `revocation.reissue_document`), or to issue a duplicata of it
  (lost or damaged: `revocation.issue_duplicate`, the original stays in force).
- `/gestion/badges/<pk>/`: one Open Badge, its status (bit in the published list), its
  signed JSON, the revoke form.
Revoking is final: the form asks for the reason and an explicit confirmation.
"""

import json

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from acquis.audit.models import AuditEvent
from acquis.credentials import badges, documents, revocation
from acquis.credentials.enums import STAFF_REVOCATION_CATEGORIES, RevocationCategory
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.errors import AcquisError
from acquis.www.perms import staff_required
from acquis.www.shared.downloads import badge_download, badge_label, europass_download
from acquis.www.site_check import issuing_refusal
from acquis.www.staff import access


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la révocation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le motif est conservé dans l'historique et indiqué au titulaire ; "
        "le document reste archivé.",
    )
    confirm = forms.BooleanField(
        label="Je confirme : la révocation est définitive.",
        error_messages={"required": "Confirmez la révocation en cochant la case."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Motif de la révocation : ce champ est obligatoire.")
        return reason


class DocumentRevocationForm(RevocationForm):
    """A document's revocation also says its nature, which the public verification page
    shows (the free-text reason stays for the holder and the staff)."""

    category = forms.ChoiceField(
        label="Nature de la révocation (affichée sur la page de vérification publique)",
        choices=[("", "— choisir —"), *STAFF_REVOCATION_CATEGORIES],
        error_messages={"required": "Nature de la révocation : choisissez-en une."},
    )
    field_order = ["category", "reason", "confirm"]


class ReissueForm(DocumentRevocationForm):
    reason = forms.CharField(
        label="Motif du remplacement",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : nom de naissance rectifié au vu d'un acte d'état civil. "
        "L'ancien document est révoqué, un nouveau numéro est attribué.",
    )
    confirm = forms.BooleanField(
        label="Je confirme : l'ancien document sera révoqué et remplacé.",
        error_messages={"required": "Confirmez le remplacement en cochant la case."},
    )


class DuplicateForm(forms.Form):
    reason = forms.CharField(
        label="Motif du duplicata",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : original perdu ou détérioré, à la demande du titulaire. "
        "Le duplicata porte le même numéro et la même date ; l'original reste valable.",
    )
    confirm = forms.BooleanField(
        label="Je confirme : un duplicata sera délivré et conservé.",
        error_messages={"required": "Confirmez le duplicata en cochant la case."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Motif du duplicata : ce champ est obligatoire.")
        return reason


def _documents(user):
    return IssuedDocument.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "candidate", "decision__deliberation", "minutes__deliberation", "issued_by"
    )


def _badges(user):
    return IssuedCredential.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "block", "decision__deliberation", "decision__candidacy__candidate"
    )


def _document_page(
    request,
    document,
    *,
    revoke_form=None,
    reissue_form=None,
    duplicate_form=None,
    refusal="",
    status=200,
):
    decision_badges = []
    if document.decision_id is not None:
        decision_badges = list(_badges(request.user).filter(decision_id=document.decision_id))
    context = {
        "document": document,
        "verify_url": documents.verify_url(document.verification_code),
        "reissuable": document.kind in revocation.REISSUABLE
        and document.revoked_at is None
        and document.duplicate_of_id is None,
        "duplicates": document.duplicates.order_by("issued_at", "pk"),
        "duplicate_form": duplicate_form or DuplicateForm(prefix="duplicate"),
        "europass": document.kind in revocation.REISSUABLE and document.revoked_at is None,
        "badges": decision_badges,
        "history": AuditEvent.objects.for_object(document).select_related("actor"),
        "revoke_form": revoke_form or DocumentRevocationForm(prefix="revoke"),
        "reissue_form": reissue_form
        or ReissueForm(prefix="reissue", initial={"category": RevocationCategory.CIVIL_STATUS}),
        "refusal": refusal,
    }
    return render(request, "www/staff/credentials/document.html", context, status=status)


@require_GET
@staff_required
def staff_document_detail(request, pk):
    return _document_page(request, access.get_or_404(_documents(request.user), pk=pk))


@staff_required
@require_POST
def staff_document_revoke(request, pk):
    document = access.get_or_404(_documents(request.user), pk=pk)
    form = DocumentRevocationForm(request.POST, prefix="revoke")
    if not form.is_valid():
        return _document_page(request, document, revoke_form=form, status=400)
    try:
        revocation.revoke_document(
            document,
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            actor=request.user,
        )
    except AcquisError as error:
        return _document_page(request, document, refusal=str(error), status=400)
    messages.success(request, f"Le document n° {document.number or document.pk} est révoqué.")
    return redirect("staff:document_detail", pk=document.pk)


@staff_required
@require_POST
def staff_document_reissue(request, pk):
    document = access.get_or_404(_documents(request.user), pk=pk)
    form = ReissueForm(request.POST, prefix="reissue")
    if not form.is_valid():
        return _document_page(request, document, reissue_form=form, status=400)
    refusal = issuing_refusal(request)
    if refusal:
        return _document_page(request, document, refusal=refusal, status=400)
    try:
        replacement = revocation.reissue_document(
            document,
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            actor=request.user,
        )
    except AcquisError as error:
        return _document_page(request, document, refusal=str(error), status=400)
    messages.success(
        request,
        f"Le document n° {document.number} est révoqué et remplacé par le n° {replacement.number}.",
    )
    return redirect("staff:document_detail", pk=replacement.pk)


@staff_required
@require_POST
def staff_document_duplicate(request, pk):
    document = access.get_or_404(_documents(request.user), pk=pk)
    form = DuplicateForm(request.POST, prefix="duplicate")
    if not form.is_valid():
        return _document_page(request, document, duplicate_form=form, status=400)
    refusal = issuing_refusal(request)
    if refusal:
        return _document_page(request, document, refusal=refusal, status=400)
    try:
        duplicate = revocation.issue_duplicate(
            document, reason=form.cleaned_data["reason"], actor=request.user
        )
    except AcquisError as error:
        return _document_page(request, document, refusal=str(error), status=400)
    messages.success(
        request,
        f"Un duplicata du document n° {duplicate.number} est délivré ; l'original reste valable.",
    )
    return redirect("staff:document_detail", pk=duplicate.pk)


def _badge_page(request, credential, *, form=None, refusal="", status=200):
    context = {
        "credential": credential,
        "label": badge_label(credential),
        "check": badges.verify(credential.document),
        "json": json.dumps(credential.document, ensure_ascii=False, indent=2),
        "history": AuditEvent.objects.for_object(credential).select_related("actor"),
        "documents": _documents(request.user).filter(decision_id=credential.decision_id),
        "form": form or RevocationForm(prefix="revoke"),
        "refusal": refusal,
    }
    return render(request, "www/staff/credentials/badge.html", context, status=status)


@require_GET
@staff_required
def staff_badge_detail(request, pk):
    return _badge_page(request, access.get_or_404(_badges(request.user), pk=pk))


@require_GET
@staff_required
def staff_badge_download(request, pk):
    return badge_download(access.get_or_404(_badges(request.user), pk=pk))


@staff_required
@require_POST
def staff_badge_revoke(request, pk):
    credential = access.get_or_404(_badges(request.user), pk=pk)
    form = RevocationForm(request.POST, prefix="revoke")
    if not form.is_valid():
        return _badge_page(request, credential, form=form, status=400)
    try:
        revocation.revoke_badge(credential, reason=form.cleaned_data["reason"], actor=request.user)
    except AcquisError as error:
        return _badge_page(request, credential, refusal=str(error), status=400)
    messages.success(request, f"Le badge « {badge_label(credential)} » est révoqué.")
    return redirect("staff:badge_detail", pk=credential.pk)


@require_GET
@staff_required
def staff_document_europass(request, pk):
    return europass_download(access.get_or_404(_documents(request.user), pk=pk))
