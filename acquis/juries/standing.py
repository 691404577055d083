"""Who sits for each candidate of a deliberation, and whether this jury may decide on them.

Source (jury de certification, jury VAE): "composé de 3 personnes [...]. Ensemble, ils
décident". A member in conflict of interest with a candidate (evaluations.conflicts: a link
they declared, the candidate's training partner, the structure where the candidate works)
stands aside for that candidate. Without them the jury no longer has the referential's
composition, so this jury cannot decide on that candidate: the candidate waits for a jury
where a substitute of the same role sits (another deliberation, whose composition is checked
as any other). The minutes record who stood aside, for whom and why (minutes.build_content).

Each check of `CANDIDATE_CHECKS` is called as `check(context, candidacy, standing)` and adds
to `standing.aside` (a member who does not sit for the candidate) and `standing.problems`
(why this jury cannot decide on the candidate); a new per-candidate rule is one more check.
Everything is read once for the whole list (`StandingContext`): the screens list hundreds of
candidates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from acquis.evaluations import conflicts
from acquis.evaluations.models import JurorProfile
from acquis.juries import composition
from acquis.juries.models import Deliberation, JuryMember


@dataclass(frozen=True)
class StandAside:
    member: JuryMember
    role_label: str
    reason: str

    @property
    def name(self) -> str:
        user = self.member.user
        return user.get_full_name() or user.email


@dataclass
class Standing:
    candidacy: object
    aside: list[StandAside] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def may_decide(self) -> bool:
        return not self.problems


class StandingContext:
    """The deliberation, its members, the listed candidacies, and what the checks read."""

    def __init__(self, deliberation: Deliberation, candidacies):
        self.deliberation = deliberation
        self.members = composition.members_of(deliberation)
        self.candidacies = list(candidacies)
        self.rules = composition.jury_rules(deliberation)

    def role_label(self, member: JuryMember) -> str:
        return composition.role_label(self.rules, member.role)

    @cached_property
    def conflicts(self) -> dict[tuple[int, int], str]:
        profiles = {
            profile.user_id: profile
            for profile in JurorProfile.objects.filter(
                user_id__in=[m.user_id for m in self.members],
                certifier_id=self.deliberation.certifier_id,
            ).select_related("user")
        }
        people = []
        for member in self.members:
            seat = ((member.organisation, ""),) if member.organisation else ()
            profile = profiles.get(member.user_id)
            if profile is not None:
                people.append(conflicts.person_of(profile, structures=seat))
            else:
                name = member.user.get_full_name() or member.user.email
                people.append(conflicts.Person(member.user_id, name, None, seat))
        return conflicts.conflicts(people, self.candidacies)


def conflict_check(context: StandingContext, candidacy, standing: Standing) -> None:
    """A member in conflict stands aside; the candidate waits for a substitute's jury."""
    aside = [
        StandAside(member, context.role_label(member), why)
        for member in context.members
        if (why := context.conflicts.get((member.user_id, candidacy.pk)))
    ]
    if not aside:
        return
    standing.aside += aside
    for item in aside:
        standing.problems.append(
            f"{item.name} ({item.role_label}) ne siège pas pour ce candidat : {item.reason} Sans "
            "ce membre, le jury n'a plus la composition du référentiel : le candidat attend un "
            f"jury où siège un suppléant ({item.role_label})."
        )


CandidateCheck = Callable[[StandingContext, object, Standing], None]
CANDIDATE_CHECKS: list[CandidateCheck] = [conflict_check]


def standings(deliberation: Deliberation, candidacies=None) -> dict[int, Standing]:
    """{candidacy id: Standing} for the given candidacies (default: the whole list)."""
    if candidacies is None:
        candidacies = [
            entry.candidacy
            for entry in deliberation.entries.select_related("candidacy__candidate").order_by(
                "position", "pk"
            )
        ]
    context = StandingContext(deliberation, candidacies)
    found = {}
    for candidacy in context.candidacies:
        standing = Standing(candidacy)
        for check in CANDIDATE_CHECKS:
            check(context, candidacy, standing)
        found[candidacy.pk] = standing
    return found


def standing_for(deliberation: Deliberation, candidacy) -> Standing:
    return standings(deliberation, [candidacy])[candidacy.pk]
