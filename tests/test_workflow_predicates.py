"""The predicates templates ask (can_close, can_request_admissibility, is_settled…) agree
with the transition tables, state by state: the tables stay the only copy of each workflow.

Unsaved instances: no database needed, every state and pathway tried.
"""

import pytest

from acquis.candidates.enums import CANDIDACY_TRANSITIONS, CandidacyStatus, Pathway
from acquis.candidates.models import Candidacy
from acquis.credentials.enums import BATCH_TRANSITIONS, BatchStatus
from acquis.credentials.models import IssuingBatch
from acquis.evaluations.enums import SLOT_TRANSITIONS, SlotStatus
from acquis.evaluations.models import Slot
from acquis.followup.enums import CAMPAIGN_TRANSITIONS, CampaignStatus
from acquis.followup.models import Campaign
from acquis.juries.enums import DELIBERATION_TRANSITIONS, DeliberationStatus
from acquis.juries.models import Deliberation
from acquis.workflow import is_final, verbs_from


def moves(table, state, pathway=None):
    """{verb: to} from the table, written out here independently of verbs_from."""
    found = {}
    for (frm, to), entry in table.items():
        verb = entry if isinstance(entry, str) else entry[0]
        if frm == state and (pathway is None or pathway in entry[1]):
            found[verb] = to
    return found


@pytest.mark.parametrize("pathway", Pathway.values)
@pytest.mark.parametrize("status", CandidacyStatus.values)
def test_candidacy_predicates_follow_the_table(status, pathway):
    candidacy = Candidacy(status=status, pathway=pathway)
    allowed = moves(CANDIDACY_TRANSITIONS, status, pathway)
    assert candidacy.allowed_verbs == set(allowed)
    assert candidacy.can_request_admissibility == ("request_admissibility" in allowed)
    assert candidacy.can_decide_admissibility == (
        allowed.get("declare_admissible") == CandidacyStatus.IN_PROGRESS
    )
    assert candidacy.can_submit_validation_file == ("submit_validation_file" in allowed)
    assert candidacy.can_decide_validation_file == ("declare_validation_file_complete" in allowed)


def test_candidacy_predicates_where_the_vae_screen_shows_its_forms():
    vae = {s: Candidacy(status=s, pathway=Pathway.VAE) for s in CandidacyStatus.values}
    assert {s for s, c in vae.items() if c.can_request_admissibility} == {
        "registered",
        "admissibility_incomplete",
        "not_admissible",
    }
    assert {s for s, c in vae.items() if c.can_decide_admissibility} == {"admissibility_pending"}
    assert {s for s, c in vae.items() if c.can_submit_validation_file} == {"in_progress"}
    assert {s for s, c in vae.items() if c.can_decide_validation_file} == {
        "validation_file_submitted"
    }
    training = Candidacy(status=CandidacyStatus.REGISTERED, pathway=Pathway.TRAINING)
    assert not training.can_request_admissibility  # the pathway is the table's guard


@pytest.mark.parametrize("status", DeliberationStatus.values)
def test_deliberation_predicates_follow_the_table(status):
    deliberation = Deliberation(status=status)
    allowed = moves(DELIBERATION_TRANSITIONS, status)
    assert deliberation.can_open == ("open" in allowed)
    assert deliberation.can_close == ("close" in allowed)
    assert deliberation.awaits_signatures == ("sign" in allowed)
    assert deliberation.is_signed == (not allowed)
    assert deliberation.has_minutes == (status in {"signing", "signed"})


def test_each_deliberation_state_answers_one_predicate():
    answers = {
        s: [
            name
            for name in ("can_open", "can_close", "awaits_signatures", "is_signed")
            if getattr(Deliberation(status=s), name)
        ]
        for s in DeliberationStatus.values
    }
    assert answers == {
        "prepared": ["can_open"],
        "open": ["can_close"],
        "signing": ["awaits_signatures"],
        "signed": ["is_signed"],
    }


@pytest.mark.parametrize("status", SlotStatus.values)
def test_slot_is_settled_when_no_move_is_left(status):
    assert Slot(status=status).is_settled == (not moves(SLOT_TRANSITIONS, status))
    assert Slot(status=status).is_settled == (status != "scheduled")


@pytest.mark.parametrize("status", CampaignStatus.values)
def test_campaign_predicates_follow_the_table(status):
    campaign = Campaign(status=status)
    allowed = moves(CAMPAIGN_TRANSITIONS, status)
    assert campaign.can_open == ("open" in allowed) == (status == "draft")
    assert campaign.can_close == ("close" in allowed) == (status == "open")


@pytest.mark.parametrize("status", BatchStatus.values)
def test_batch_predicates_follow_the_table(status):
    batch = IssuingBatch(status=status)
    allowed = moves(BATCH_TRANSITIONS, status)
    assert batch.is_waiting == ("start" in allowed) == (status == "queued")
    assert batch.is_running == ("finish" in allowed) == (status == "running")
    assert batch.is_done == (not allowed) == (status == "done")


def test_verbs_from_and_is_final_on_a_small_table():
    table = {("a", "b"): "go", ("a", "c"): ("skip", {"x"}), ("b", "c"): "end"}
    assert verbs_from(table, "a") == {"go", "skip"}
    assert verbs_from(table, "a", lambda entry: not isinstance(entry, tuple)) == {"go"}
    assert verbs_from(table, "c") == frozenset()
    assert is_final(table, "c") and not is_final(table, "a")
