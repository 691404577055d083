"""One arranged world for the API tests, through the real verbs.

- `own`: a candidacy of the partner ("Formation Plus"), trained, convoked, evaluated in a
  session now closed (results released), decided (total validation) by a signed PV, its
  documents and badges issued (one document revoked);
- `other`: a candidacy of another partner of the same certifier, registered, with a work
  placement;
- `direct`: a candidacy with no partner (the certifier's own), VAE, admissibility pending.
"""

from acquis.candidates import services as candidate_services
from acquis.credentials import issuing
from acquis.credentials.documents import revoke_document
from acquis.credentials.models import IssuedDocument
from acquis.evaluations import convocations, planning
from acquis.evaluations.models import Slot
from tests import factories
from tests.credentials import batch_helpers
from tests.juries import factories as jf


def build(settings, folder, version, partner, other_partner) -> dict:
    batch_helpers.keys(settings, folder)
    own = jf.ready_candidacy(version, partner=partner)
    slots = list(Slot.objects.filter(candidacy=own).select_related("session"))
    session = slots[0].session
    convocations.send_convocations(session, actor=None)
    for s in {slot.session for slot in slots}:
        planning.close_session(s)
    deliberation = jf.decided_and_signed(version, [own])
    issuing.issue_for_deliberation(deliberation, actor=None)
    letter = IssuedDocument.objects.filter(decision__candidacy=own, kind="decision_letter").first()
    revoke_document(letter, reason="Lettre remplacée (test).", actor=None)
    other = factories.candidacy(version, partner=other_partner, started=True)
    placement = candidate_services.record_placement(
        other, host_structure="Mission locale", position="Conseiller", tutor_name="A. Tuteur"
    )
    direct = factories.candidacy(version, vae=True)
    candidate_services.request_admissibility(direct, upload=factories.pdf_upload())
    own.refresh_from_db()
    return {
        "own": own,
        "other": other,
        "direct": direct,
        "session": session,
        "slot": Slot.objects.filter(candidacy=own, convoked_at__isnull=False).first(),
        "decision": own.decisions.get(),
        "placement": placement,
        "other_placement": placement,
        "deliberation": deliberation,
    }
