"""Who may assess or sit on a jury: the referential's conditions, person by person.

Read from the version's rules, never hard-coded, so that another certification brings its
own. For OPS Conseil the source says: "un jury composé de professionnels du secteur qualifiés
justifiant d'une expérience professionnelle de 3 ans minimum dans le secteur de l'insertion
[...] et d'un représentant d'OPS Conseil. Ces jurys évaluent [...] selon le référentiel de
compétences de la certification auquel ils sont formés en amont par la responsable de
l'organisation des épreuves", and, for the certification and VAE juries, "deux
professionnels du secteur de l'insertion extérieurs à l'organisme certificateur".

- `rules.sectors`: the closed list of experience sectors (the source's roles are an open
  list, its sector is not);
- `rules.evaluation_panel`: the professionals' conditions (sectors, years, proof, roles,
  training), the representative's own (`representative`), and how many qualified
  professionals sit besides the representative (`min_professionals`, default 1);
- `rules.jury_members`: the external and internal members of the certification and VAE
  juries;
- `rules.juror_training`: who gives the training (a user of the certifier holding
  `trainer_role`), the attendance record, and whether a training on an earlier version of
  the referential counts (`earlier_versions_count`, default no).
"""

from dataclasses import dataclass
from datetime import date

from acquis.evaluations.enums import PanelRule
from acquis.organisations.enums import Role


@dataclass(frozen=True)
class Conditions:
    """What one kind of member must show (None: no condition)."""

    sectors: tuple[str, ...] | None = None
    min_years: int | None = None
    proof_required: bool = False
    training_required: bool = False
    roles: tuple[str, ...] = ()
    roles_open: bool = True


@dataclass(frozen=True)
class TrainingRule:
    trainer_role: str | None = None
    attendance_required: bool = False
    earlier_versions_count: bool = False


@dataclass(frozen=True)
class PanelRules:
    professional: Conditions
    representative: Conditions
    representative_required: bool
    min_professionals: int
    training: TrainingRule
    labels: dict


@dataclass(frozen=True)
class JuryMemberRules:
    external: Conditions
    internal: Conditions
    training: TrainingRule
    labels: dict


@dataclass(frozen=True)
class Failure:
    rule: str  # a PanelRule value
    message: str


def sector_labels(rules: dict) -> dict[str, str]:
    return {s["code"]: s["label"] for s in rules.get("sectors") or []}


def training_rule(rules: dict) -> TrainingRule:
    spec = rules.get("juror_training") or {}
    return TrainingRule(
        trainer_role=spec.get("trainer_role"),
        attendance_required=bool(spec.get("attendance_required", False)),
        earlier_versions_count=bool(spec.get("earlier_versions_count", False)),
    )


def _conditions(spec: dict | None, **defaults) -> Conditions:
    spec = spec or {}
    sectors = spec.get("sectors", defaults.get("sectors"))
    minimum = spec.get("min_sector_experience_years", defaults.get("min_years"))
    return Conditions(
        sectors=tuple(sectors) if sectors else None,
        min_years=minimum,
        proof_required=bool(spec.get("experience_proof_required", minimum is not None)),
        training_required=bool(spec.get("training_required", defaults.get("training", False))),
        roles=tuple(defaults.get("roles") or ()),
        roles_open=bool(defaults.get("roles_open", True)),
    )


def panel_rules(version) -> PanelRules:
    rules = version.rules or {}
    panel = rules.get("evaluation_panel") or {}
    legacy_sector = [panel["sector"]] if panel.get("sector") else None
    training = bool(panel.get("prior_training_required", False))
    professional = _conditions(
        {
            "sectors": panel.get("sectors") or legacy_sector,
            "min_sector_experience_years": panel.get("min_sector_experience_years"),
            "training_required": training,
        },
        roles=panel.get("accepted_roles"),
        roles_open=panel.get("accepted_roles_open", not panel.get("accepted_roles")),
    )
    return PanelRules(
        professional=professional,
        # The source sets no experience condition for the representative; training (when
        # required) applies to every member unless the referential says otherwise.
        representative=_conditions(panel.get("representative"), training=training),
        representative_required=bool(panel.get("certifier_representative_required", False)),
        min_professionals=int(panel.get("min_professionals", 1)),
        training=training_rule(rules),
        labels=sector_labels(rules),
    )


def jury_member_rules(version) -> JuryMemberRules:
    rules = version.rules or {}
    members = rules.get("jury_members") or {}
    return JuryMemberRules(
        external=_conditions(members.get("external")),
        internal=_conditions(members.get("internal")),
        training=training_rule(rules),
        labels=sector_labels(rules),
    )


# --- one person ---------------------------------------------------------------------------


def sectors_text(codes, labels: dict) -> str:
    """ "le secteur « Insertion »" (or "les secteurs « A » ou « B »")."""
    names = " ou ".join(f"« {labels.get(code, code)} »" for code in codes)
    return f"le secteur {names}" if len(codes) == 1 else f"les secteurs {names}"


def failures(
    profile, conditions: Conditions, *, version, before: date, training: TrainingRule, labels
) -> list[Failure]:
    """Every condition `profile` (a JurorProfile) fails for a sitting on `before`."""
    found = []
    in_sector = conditions.sectors is None or (profile.sector or "").strip().casefold() in {
        code.casefold() for code in conditions.sectors
    }
    where = sectors_text(conditions.sectors, labels) if conditions.sectors else "le secteur"
    if not in_sector:
        found.append(
            Failure(
                PanelRule.SECTOR,
                f"{profile} : secteur d'expérience « {labels.get(profile.sector, profile.sector)} »"
                f" ; le référentiel exige une expérience dans {where}.",
            )
        )
    minimum = conditions.min_years
    if minimum is not None and profile.years_experience < minimum:
        found.append(
            Failure(
                PanelRule.EXPERIENCE,
                f"{profile} : {profile.years_experience} an(s) d'expérience dans {where}, "
                f"{minimum} exigé(s) au minimum.",
            )
        )
    if conditions.proof_required and profile.experience_proof_id is None:
        found.append(
            Failure(
                PanelRule.EXPERIENCE_PROOF, f"{profile} : aucune pièce ne justifie son expérience."
            )
        )
    found += _role_failures(profile, conditions)
    if conditions.training_required:
        why = training_failure(profile, version=version, before=before, rule=training)
        if why:
            found.append(Failure(PanelRule.TRAINING, why))
    return found


def _role_failures(profile, conditions: Conditions) -> list[Failure]:
    if not conditions.roles or conditions.roles_open:
        return []  # an open list ("...") accepts any stated role; a stated role is required
    if profile.role.casefold() in {r.casefold() for r in conditions.roles}:
        return []
    accepted = ", ".join(conditions.roles)
    return [
        Failure(
            PanelRule.ROLE,
            f"{profile} : la fonction « {profile.role} » n'est pas reconnue ({accepted}).",
        )
    ]


def training_failure(profile, *, version, before: date, rule: TrainingRule) -> str | None:
    """Why no training of `profile` counts for a sitting on `before` (None: one counts)."""
    trainings = sorted(
        (
            t
            for t in profile.trainings.all()
            if t.version.certification_id == version.certification_id
        ),
        key=lambda t: (t.trained_on, t.pk),
        reverse=True,
    )
    reasons = []
    for item in trainings:
        why = _training_reason(item, version=version, before=before, rule=rule)
        if why is None:
            return None
        reasons.append(f"la formation du {item.trained_on:%d/%m/%Y} ne compte pas : {why}")
    if not reasons:
        return (
            f"{profile} : pas de formation au référentiel enregistrée avant le {before:%d/%m/%Y}."
        )
    return f"{profile} : {reasons[0]}."


def _training_reason(item, *, version, before: date, rule: TrainingRule) -> str | None:
    if item.trained_on >= before:
        return f"elle n'a pas eu lieu avant le {before:%d/%m/%Y}"
    if item.version_id != version.pk:
        if not rule.earlier_versions_count or item.version.number > version.number:
            return (
                f"elle porte sur la version {item.version.number} du référentiel, et le "
                f"référentiel de la version {version.number} ne reconnaît que les formations "
                "à cette version"
            )
    if rule.trainer_role and item.trainer_role != rule.trainer_role:
        named = Role(rule.trainer_role).label.lower()
        given = item.trainer or item.trained_by_text or "non indiqué"
        return (
            f"elle n'a pas été donnée par la personne « {named} » du certificateur "
            f"(formateur indiqué : {given})"
        )
    if rule.attendance_required and item.attendance_record_id is None:
        return "aucune feuille d'émargement n'est jointe"
    return None
