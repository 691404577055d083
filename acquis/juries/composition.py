"""Is this jury lawful? The referential's composition and the quorum, rule by rule.

Source (referential, "jury de certification" and "jury VAE"): 3 people, two insertion
professionals external to the certifier (one employers' representative, one employees'
representative) and one trainer of the certifier; "ensemble, ils décident": every member
present (quorum). The composition is read from `version.rules[JURY_RULE_KEY[kind]]`
({size, members: [{role, label, count, external}]}), never hard-coded, so that another
certification brings its own.

A member must also hold the juror role in the certifier: they sign the minutes in the app
with their own account.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch

from acquis.evaluations import eligibility
from acquis.evaluations.enums import PanelRule
from acquis.evaluations.models import JurorProfile, JurorTraining
from acquis.juries.enums import JuryKind, JuryRole
from acquis.juries.models import Deliberation, JuryMember
from acquis.juries.roles import jury_rules, role_label
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Role
from acquis.organisations.models import Membership
from acquis.referential.columns import light_versions


class CompositionRule(models.TextChoices):
    """The rules a jury must satisfy to open a deliberation."""

    REFERENTIAL = "referential", "Composition fixée par le référentiel"
    ROLE_COUNT = "role_count", "Chaque qualité du référentiel représentée"
    UNKNOWN_ROLE = "unknown_role", "Qualité prévue par le référentiel"
    EXTERNAL = "external", "Extériorité au certificateur"
    SIZE = "size", "Effectif du jury"
    DUPLICATE = "duplicate", "Une personne ne siège qu'une fois"
    JUROR_ROLE = "juror_role", "Compte de membre de jury chez le certificateur"
    QUALIFICATION = "qualification", "Professionnel du secteur : secteur et expérience"
    TRAINING = "training", "Formé au référentiel"
    QUORUM = "quorum", "Quorum : tous les membres présents"


@dataclass(frozen=True)
class CompositionProblem:
    rule: str
    message: str
    member: JuryMember | None = None

    @property
    def rule_label(self) -> str:
        return CompositionRule(self.rule).label


def roles_of(deliberation: Deliberation) -> list[tuple[str, str]]:
    """(role, label) of the referential's composition for this jury, in its order; the
    built-in roles when the referential sets no composition."""
    rules = jury_rules(deliberation)
    roles = []
    for spec in rules.get("members") or []:
        role = spec.get("role")
        if role and role not in {r for r, _ in roles}:
            label = role_label(rules, role)
            roles.append((role, label[:1].upper() + label[1:]))
    return roles or list(JuryRole.choices)


def members_of(deliberation: Deliberation) -> list[JuryMember]:
    return list(deliberation.members.select_related("user").order_by("pk"))


def problems(deliberation: Deliberation, members: list[JuryMember] | None = None):
    """Every rule the jury fails, composition first then quorum; [] when it may deliberate."""
    members = members_of(deliberation) if members is None else members
    return composition_problems(deliberation, members) + quorum_problems(members)


def composition_problems(deliberation, members: list[JuryMember]) -> list[CompositionProblem]:
    rules = jury_rules(deliberation)
    specs = rules.get("members") or []
    if not specs:
        label = JuryKind(deliberation.kind).label
        kind = label[0].lower() + label[1:]
        return [
            CompositionProblem(
                CompositionRule.REFERENTIAL,
                f"Le référentiel {deliberation.version} ne fixe pas la composition du {kind}.",
            )
        ]
    found = _role_problems(specs, members, rules)
    found += _external_problems(deliberation, specs, members, rules)
    size = rules.get("size") or sum(spec.get("count", 1) for spec in specs)
    # A missing or extra role already says why the count is wrong.
    counted = any(p.rule == CompositionRule.ROLE_COUNT for p in found)
    if len(members) != size and not counted:
        found.append(
            CompositionProblem(
                CompositionRule.SIZE,
                f"Le jury compte {len(members)} membre(s) ; le référentiel en fixe {size}.",
            )
        )
    found += _duplicate_problems(members, rules)
    found += _juror_role_problems(deliberation, members, rules)
    found += qualification_problems(deliberation, members, rules)
    return found


def qualification_problems(deliberation, members, rules) -> list[CompositionProblem]:
    """Each member meets the referential's conditions for their kind of seat
    (`rules.jury_members`): for OPS Conseil the external members are "professionnels du
    secteur de l'insertion" (sector, years of experience, proof), training where required."""
    spec = eligibility.jury_member_rules(deliberation.version)
    seated = [(m, spec.external if m.external else spec.internal) for m in members]
    seated = [(m, c) for m, c in seated if c != eligibility.Conditions()]
    if not seated:
        return []
    # The checks read a training's version number and title, never its large columns.
    trainings = light_versions(
        JurorTraining.objects.select_related("version", "trainer"), "version__"
    )
    profiles = {
        p.user_id: p
        for p in JurorProfile.objects.filter(
            user_id__in=[m.user_id for m, _ in seated], certifier_id=deliberation.certifier_id
        )
        .select_related("user")
        .prefetch_related(Prefetch("trainings", queryset=trainings))
    }
    found = []
    for member, conditions in seated:
        profile = profiles.get(member.user_id)
        if profile is None:
            found.append(
                CompositionProblem(
                    CompositionRule.QUALIFICATION,
                    f"{_who(member, rules)} : aucune fiche de membre de jury (secteur, années "
                    "d'expérience) ; le référentiel fixe des conditions pour ce siège.",
                    member,
                )
            )
            continue
        for failure in eligibility.failures(
            profile,
            conditions,
            version=deliberation.version,
            before=deliberation.date,
            training=spec.training,
            labels=spec.labels,
        ):
            message = failure.message.removeprefix(f"{profile} : ")
            rule = (
                CompositionRule.TRAINING
                if failure.rule == PanelRule.TRAINING
                else CompositionRule.QUALIFICATION
            )
            found.append(CompositionProblem(rule, f"{_who(member, rules)} : {message}", member))
    return found


def _who(member: JuryMember, rules: dict) -> str:
    return f"{member.user} ({role_label(rules, member.role)})"


def _role_problems(specs, members, rules) -> list[CompositionProblem]:
    found = []
    for spec in specs:
        expected = spec.get("count", 1)
        label = role_label(rules, spec["role"])
        count = sum(1 for m in members if m.role == spec["role"])
        if count == expected:
            continue
        if count == 0:
            message = f"{label.capitalize()} : aucun membre."
        elif count < expected:
            message = f"{label.capitalize()} : {count} membre(s), {expected} attendu(s)."
        else:
            message = (
                f"{label.capitalize()} : {count} membres, {expected} attendu(s) ; "
                f"retirez-en {count - expected}."
            )
        found.append(CompositionProblem(CompositionRule.ROLE_COUNT, message))
    known = {spec["role"] for spec in specs}
    for member in members:
        if member.role not in known:
            found.append(
                CompositionProblem(
                    CompositionRule.UNKNOWN_ROLE,
                    f"{_who(member, rules)} : cette qualité ne figure pas dans la composition "
                    "du référentiel.",
                    member,
                )
            )
    return found


def _external_problems(deliberation, specs, members, rules) -> list[CompositionProblem]:
    """The role's externality, and a declared externality that the records contradict."""
    external_by_role = {spec["role"]: bool(spec.get("external")) for spec in specs}
    insiders = _insiders(deliberation, members)
    found = []
    for member in members:
        required = external_by_role.get(member.role)
        if required is True and not member.external:
            message = f"{_who(member, rules)} doit être extérieur au certificateur."
        elif required is False and member.external:
            message = f"{_who(member, rules)} doit appartenir à l'organisme certificateur."
        elif member.external and member.user_id in insiders:
            message = (
                f"{_who(member, rules)} est déclaré extérieur, mais {insiders[member.user_id]} : "
                "il n'est pas extérieur au certificateur."
            )
        else:
            continue
        found.append(CompositionProblem(CompositionRule.EXTERNAL, message, member))
    return found


def _insiders(deliberation, members) -> dict[int, str]:
    """Members whose records tie them to the certifier: user id -> why (French)."""
    user_ids = [m.user_id for m in members if m.external]
    if not user_ids:
        return {}
    why = {}
    for profile_user in JurorProfile.objects.filter(
        user_id__in=user_ids, certifier_id=deliberation.certifier_id, represents_certifier=True
    ).values_list("user_id", flat=True):
        why[profile_user] = "sa fiche de membre de jury indique qu'il représente le certificateur"
    for user_id, role in Membership.objects.filter(
        user_id__in=user_ids,
        organisation_id=deliberation.certifier_id,
        role__in=CERTIFIER_STAFF_ROLES,
    ).values_list("user_id", "role"):
        why[user_id] = f"il est « {Role(role).label.lower()} » du certificateur"
    return why


def _duplicate_problems(members, rules) -> list[CompositionProblem]:
    seen: set[int] = set()
    found = []
    for member in members:
        if member.user_id in seen:
            found.append(
                CompositionProblem(
                    CompositionRule.DUPLICATE,
                    f"{_who(member, rules)} siège déjà dans ce jury.",
                    member,
                )
            )
        seen.add(member.user_id)
    return found


def _juror_role_problems(deliberation, members, rules) -> list[CompositionProblem]:
    jurors = set(
        Membership.objects.filter(
            user_id__in=[m.user_id for m in members],
            organisation_id=deliberation.certifier_id,
            role=Role.JUROR,
        ).values_list("user_id", flat=True)
    )
    found = []
    for member in members:
        if member.user_id not in jurors or not member.user.is_active:
            found.append(
                CompositionProblem(
                    CompositionRule.JUROR_ROLE,
                    f"{_who(member, rules)} n'a pas de compte actif de membre de jury chez "
                    f"{deliberation.certifier} : il ne pourrait pas signer le procès-verbal.",
                    member,
                )
            )
    return found


def quorum_problems(members: list[JuryMember]) -> list[CompositionProblem]:
    return [
        CompositionProblem(CompositionRule.QUORUM, f"Quorum : {member.user} est absent(e).", member)
        for member in members
        if not member.present
    ]
