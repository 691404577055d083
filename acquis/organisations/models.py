from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Habilitation, OrganisationKind, Role


class UserQuerySet(models.QuerySet):
    """Who a certifier's staff may list: `scope` is an `organisations.scope.StaffScope`."""

    def visible_to_staff(self, scope):
        """Users holding a role in the scope's organisations (its certifiers and their
        partners), each with only those roles (`visible_memberships`): a juror's roles at
        another certifier stay hidden."""
        organisations = Organisation.objects.managed_by(scope).values("pk")
        memberships = (
            Membership.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("organisation__kind", "organisation__name", "role")
        )
        return (
            self.filter(memberships__organisation__in=organisations)
            .distinct()
            .prefetch_related(
                models.Prefetch("memberships", memberships, to_attr="visible_memberships")
            )
            .order_by("last_name", "first_name", "email")
        )

    def jurors_of(self, certifiers):
        """Accounts holding the juror role in one of `certifiers` (an organisation, its pk,
        or a queryset of them), by name."""
        if isinstance(certifiers, models.QuerySet):
            lookup = {"memberships__organisation__in": certifiers.values("pk")}
        else:
            lookup = {"memberships__organisation": certifiers}
        return (
            self.filter(memberships__role=Role.JUROR, **lookup)
            .distinct()
            .order_by("last_name", "first_name", "email")
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Addresses are stored in lower case (create_user): "Julie.Lefevre@Exemple.fr" typed
        # at login is the same person (an e-mail address is not case-sensitive in practice).
        return self.get(**{self.model.USERNAME_FIELD: (username or "").strip().lower()})

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in; identified by email (invitations and resets go there)."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration Django", default=False)
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def roles_in(self, organisation) -> set[str]:
        return set(
            self.memberships.filter(organisation=organisation).values_list("role", flat=True)
        )

    @cached_property
    def membership_rows(self) -> list[tuple[str, str, int]]:
        """(role, organisation kind, organisation id) of each of the user's roles, read once
        per user object: a request's user is loaded for that request, and its staff check,
        its navigation and its staff scope (`organisations.scope`) share this one query."""
        return list(self.memberships.values_list("role", "organisation__kind", "organisation_id"))

    def staff_certifiers(self):
        """Certifier organisations where this user is administrator or exam manager."""
        return Organisation.objects.filter(
            kind=OrganisationKind.CERTIFIER,
            memberships__user=self,
            memberships__role__in=CERTIFIER_STAFF_ROLES,
        ).distinct()


class OrganisationQuerySet(models.QuerySet):
    def certifiers(self):
        return self.filter(kind=OrganisationKind.CERTIFIER)

    def staffed_by(self, user):
        """Certifiers whose staff (administrator or exam manager) the user is; a superuser
        staffs every certifier."""
        if user.is_superuser:
            return self.certifiers()
        return self.certifiers().filter(pk__in=user.staff_certifiers().values("pk"))

    def administered_by(self, user):
        """Certifiers the user administers (a superuser: every certifier)."""
        if user.is_superuser:
            return self.certifiers()
        return self.certifiers().filter(
            pk__in=Membership.objects.filter(user=user, role=Role.ADMIN).values("organisation")
        )

    def managed_by(self, scope):
        """The scope's certifiers and their partner organisations: what their staff manages."""
        certifiers = scope.certifier_ids
        return self.filter(models.Q(pk__in=certifiers) | models.Q(certifier__in=certifiers))

    def partners_of(self, scope):
        return self.filter(kind=OrganisationKind.PARTNER, certifier__in=scope.certifier_ids)


class Organisation(models.Model):
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=255)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    habilitation = models.CharField(
        "habilitation", max_length=20, choices=Habilitation.choices, blank=True
    )
    certifier = models.ForeignKey(
        "self",
        verbose_name="certificateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        help_text="Pour un organisme partenaire : le certificateur qui l'a habilité.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=OrganisationKind.CERTIFIER, certifier__isnull=True)
                | models.Q(kind=OrganisationKind.PARTNER, certifier__isnull=False),
                name="partner_has_certifier",
                violation_error_message=(
                    "Un organisme partenaire doit être rattaché à un certificateur, "
                    "un certificateur ne l'est à personne."
                ),
            ),
            models.UniqueConstraint(
                fields=["certifier", "siret"],
                condition=~models.Q(siret=""),
                name="unique_partner_siret",
                violation_error_message="Un partenaire de ce certificateur a déjà ce SIRET.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def is_first_certifier(self) -> bool:
        """The installation's first certifier, the one the environment's settings belong to
        (certifier_settings). Asked once per instance: issuing a document asks it for the
        settings and for the signing key."""
        first = (
            Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        return self.pk is not None and self.pk == first


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "rôle dans une organisation"
        verbose_name_plural = "rôles dans les organisations"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="unique_membership_role",
                violation_error_message="Cet utilisateur a déjà ce rôle dans cette organisation.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class RoleInvitation(models.Model):
    """A role offered to someone who already has an account: nothing is attached until that
    person, logged in, accepts it (« Mes invitations »). The inviter sees only what they
    typed (address, name), never the account's own name."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        ACCEPTED = "accepted", "Acceptée"
        DECLINED = "declined", "Refusée"

    email = models.EmailField("adresse électronique")
    first_name = models.CharField("prénom saisi", max_length=150, blank=True)
    last_name = models.CharField("nom saisi", max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="role_invitations",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, verbose_name="invitée par", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation à un rôle"
        verbose_name_plural = "invitations à un rôle"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "organisation", "role"],
                condition=models.Q(status="pending"),
                name="unique_pending_role_invitation",
                violation_error_message="Cette invitation est déjà en attente.",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation : {self.get_role_display()} — {self.organisation}"


class CertifierProfile(models.Model):
    """A certifier's own settings for its documents and declarations: the name, logo and
    signatory its documents print, its CDC identifiers. A blank field falls back to the
    installation's environment only for the installation's first certifier (a
    single-certifier installation: `acquis.organisations.certifier_settings`). Secrets
    (signing keys) are never stored here: only the path of a file, like the logo."""

    certifier = models.OneToOneField(
        Organisation,
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="profile",
        limit_choices_to={"kind": OrganisationKind.CERTIFIER},
    )
    display_name = models.CharField("nom affiché sur les documents", max_length=255, blank=True)
    logo_file = models.CharField("fichier du logo (chemin, PNG ou SVG)", max_length=500, blank=True)
    signatory_name = models.CharField("signataire", max_length=255, blank=True)
    signatory_title = models.CharField("qualité du signataire", max_length=255, blank=True)
    cdc_client_id = models.CharField(
        "idClient CDC du certificateur", max_length=8, blank=True, help_text="8 caractères."
    )
    cdc_emitter_id = models.CharField(
        "idClient CDC de l'émetteur", max_length=8, blank=True, help_text="Défaut : idClient."
    )
    cdc_contract_id = models.CharField("idContrat CDC", max_length=20, blank=True)

    class Meta:
        verbose_name = "réglages du certificateur"
        verbose_name_plural = "réglages des certificateurs"

    def __str__(self) -> str:
        return f"Réglages — {self.certifier}"
