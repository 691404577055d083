"""Conflicts of interest: who may not assess, or decide on, which candidate, and why.

Checked the same way for the evaluation panels (planning: a linked juror never assesses the
candidate) and for the certification and VAE juries (juries.standing: a linked member does
not sit for that candidate). Three sources:
- a link the juror declared with the candidate (`ConflictDeclaration`: trained, employer,
  colleague, relative, other);
- the candidate's training partner: the person is staff of the partner organisation that
  trained the candidate, or sits on the jury for it;
- the candidate's employer: the structure the person works for (juror record) or represents
  (jury seat) is the structure where the candidate works (the work placement's host
  structure), compared by SIRET, else by name.

`conflicts` reads everything for many people and candidacies in a constant number of
queries (the deliberation screen lists hundreds of candidates).
"""

import re
import unicodedata
from dataclasses import dataclass

from acquis.candidates.models import WorkPlacement
from acquis.evaluations.models import ConflictDeclaration
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership, Organisation


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    profile_id: int | None = None
    # (name, SIRET) of the structures the person works for or represents.
    structures: tuple[tuple[str, str], ...] = ()


def person_of(profile, *, structures=()) -> Person:
    """The person behind a juror record, with its own structure and any others given."""
    own = ((profile.structure, profile.structure_siret),) if profile.structure else ()
    return Person(
        user_id=profile.user_id,
        name=str(profile),
        profile_id=profile.pk,
        structures=own + tuple(s for s in structures if s[0]),
    )


def folded(name: str) -> str:
    """A structure's name as compared: no accents, case or punctuation."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.casefold()).strip()


def conflicts(people, candidacies) -> dict[tuple[int, int], str]:
    """{(user id, candidacy id): why the person may not assess or decide on the candidacy}."""
    people, candidacies = list(people), list(candidacies)
    if not people or not candidacies:
        return {}
    declared = {}
    for item in ConflictDeclaration.objects.filter(
        juror_id__in=[p.profile_id for p in people if p.profile_id],
        candidate_id__in=[c.candidate_id for c in candidacies],
    ).order_by("pk"):
        declared.setdefault((item.juror_id, item.candidate_id), item)
    partner_ids = {c.partner_id for c in candidacies if c.partner_id}
    staff = set(
        Membership.objects.filter(
            user_id__in=[p.user_id for p in people],
            organisation_id__in=partner_ids,
            role=Role.PARTNER_STAFF,
        ).values_list("user_id", "organisation_id")
    )
    partners = dict(Organisation.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    hosts: dict[int, list[tuple[str, str]]] = {}
    for candidacy_id, name, siret in WorkPlacement.objects.filter(
        candidacy_id__in=[c.pk for c in candidacies]
    ).values_list("candidacy_id", "host_structure", "host_siret"):
        hosts.setdefault(candidacy_id, []).append((name, siret))
    found = {}
    for person in people:
        for candidacy in candidacies:
            partner = partners.get(candidacy.partner_id, "")
            why = _why(person, candidacy, declared, staff, partner, hosts.get(candidacy.pk, []))
            if why:
                found[(person.user_id, candidacy.pk)] = why
    return found


def _why(person: Person, candidacy, declared, staff, partner, hosts) -> str | None:
    link = declared.get((person.profile_id, candidacy.candidate_id))
    if link is not None:
        detail = f" ({link.note})" if link.note else ""
        return (
            f"{person.name} a déclaré un lien avec ce candidat : "
            f"{link.get_kind_display().lower()}{detail}."
        )
    if candidacy.partner_id and (person.user_id, candidacy.partner_id) in staff:
        return f"{person.name} fait partie de l'organisme qui a formé ce candidat."
    if partner and any(folded(name) == folded(partner) for name, _ in person.structures):
        return f"{person.name} représente {partner}, l'organisme qui a formé ce candidat."
    for name, siret in person.structures:
        for host, host_siret in hosts:
            if (siret and siret == host_siret) or folded(name) == folded(host):
                return (
                    f"{person.name} travaille pour {host}, la structure où le candidat exerce "
                    "(structure d'accueil ou employeur)."
                )
    return None
