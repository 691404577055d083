from django.db import models


class OrganisationKind(models.TextChoices):
    CERTIFIER = "certifier", "Certificateur"
    PARTNER = "partner", "Organisme partenaire"


class Habilitation(models.TextChoices):
    """France Compétences' HABILITATION_PARTENAIRE values (formats.md §1.2)."""

    PREPARE = "prepare", "Préparer les candidats"
    ORGANISE = "organise", "Organiser les évaluations"
    BOTH = "both", "Préparer et organiser"


class Role(models.TextChoices):
    """Roles of domain.md, "People and roles"."""

    ADMIN = "admin", "Administrateur du certificateur"
    EXAM_MANAGER = "exam_manager", "Responsable de l'organisation des épreuves"
    JUROR = "juror", "Membre de jury"
    PARTNER_STAFF = "partner_staff", "Personnel d'un organisme partenaire"
    CANDIDATE = "candidate", "Candidat"


CERTIFIER_STAFF_ROLES = frozenset({Role.ADMIN, Role.EXAM_MANAGER})
