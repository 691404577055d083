"""One arranged world for the API tests, through the real verbs.

- `own`: a candidacy of the partner ("Formation Plus"), trained, evaluated in a session now
  closed (results released), decided (total validation) by a signed PV, its documents and
  badges issued (one document revoked); `convoked`: another of its candidacies, convoked to
  a session planned in 2031;
- `other`: a candidacy of another partner of the same certifier, registered, with a work
  placement;
- `direct`: a candidacy with no partner (the certifier's own), VAE, admissibility pending.
"""

from datetime import date

from acquis.candidates import services as candidate_services
from acquis.credentials import badges, issuing
from acquis.credentials.documents import revoke_document
from acquis.credentials.models import IssuedDocument
from acquis.evaluations import convocations, planning
from acquis.evaluations import services as evaluation_services
from acquis.evaluations.models import Slot
from tests import evaluation_factories as ef
from tests import factories
from tests.credentials import batch_helpers
from tests.juries import factories as jf


def build(settings, folder, version, partner, other_partner) -> dict:
    batch_helpers.keys(settings, folder)
    own = jf.ready_candidacy(version, partner=partner)
    slots = list(Slot.objects.filter(candidacy=own).select_related("session"))
    for held in {slot.session for slot in slots}:
        planning.close_session(held)
    convoked = factories.candidacy(version, partner=partner, started=True)
    session = ef.session(version, on=date(2031, 6, 2), title="Session de juin")
    slot = ef.slot(session, convoked, code="E1")
    evaluation_services.confirm_panel(session)
    convocations.send_convocations(session, actor=None)
    deliberation = jf.decided_and_signed(version, [own])
    issuing.issue_for_deliberation(deliberation, actor=None)
    badges.issue_for_decision(own.decisions.get(), actor=None)
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
        "slot": Slot.objects.get(pk=slot.pk),
        "result_slot": slots[0],
        "convoked": convoked,
        "decision": own.decisions.get(),
        "placement": placement,
        "other_placement": placement,
        "deliberation": deliberation,
    }
