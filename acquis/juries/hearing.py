"""Who heard a VAE candidate's oral, and which members of a deliberation did not.

Source (rule 5): the validation file is presented "dans un oral de 30 mn devant un jury",
and the VAE jury of 3 decides: "Ensemble, ils décident de l'attribution de la certification
des blocs de compétences et du titre". The product holds the oral before the VAE jury's
members, so the same people hear and decide.

How "heard" is established: the VAE oral is a slot of an evaluation session (`Slot` of
the referential's `vae.oral_assessment`); its assessors (`SlotAssessor`, the panel members
without a link to the candidate) each submitted a grid before the result was consolidated
(`evaluations.consolidation` refuses a consolidation without every assessor's grid). A
member of the deliberation heard the oral when their account is the account of one of the
assessors of the candidate's latest consolidated VAE oral. A member who did not hear it
cannot decide for that candidate: the deliberation decides nothing for the candidate
(`engine.decision_blockers`), the jury postpones (`decisions.postpone`) to a jury made of
the people who heard the oral.

A per-candidate check of the members, as the checks of conflicts of interest (a member who
stands aside for a candidate) may sit beside it: `unheard_members(members, heard)` takes
the deliberation's members and the users who heard, and says who cannot decide, and why.
"""

from collections import defaultdict

from acquis.evaluations.models import SlotAssessor


def heard_by(slot_ids) -> dict[int, set[int]]:
    """{slot id: user ids of its assessors} (one query for many slots)."""
    heard: dict[int, set[int]] = defaultdict(set)
    rows = SlotAssessor.objects.filter(slot_id__in=list(slot_ids)).values_list(
        "slot_id", "juror__user_id"
    )
    for slot_id, user_id in rows:
        heard[slot_id].add(user_id)
    return heard


def unheard_members(members, heard_user_ids) -> list:
    """The members (JuryMember) whose account did not hear the oral, in the jury's order."""
    return [member for member in members if member.user_id not in heard_user_ids]


def member_label(member) -> str:
    return f"{member.user.get_full_name() or member.user.email} ({member.get_role_display()})"
