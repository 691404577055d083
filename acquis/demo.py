"""The demo data of `make run`, built through the real services (idempotent)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from acquis.organisations.enums import Role
from acquis.organisations.models import User
from acquis.organisations.services import ensure_certifier, grant_role
from acquis.referential import services as referential

DEMO_PASSWORD = "demo-acquis-2026"  # noqa: S105 - printed at start, demo only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_USERS = [
    ("admin@ops-conseil.demo", "Claire", "Martin", Role.ADMIN),
    ("epreuves@ops-conseil.demo", "Nadia", "Benali", Role.EXAM_MANAGER),
]


@transaction.atomic
def build_demo() -> list[DemoLogin]:
    certifier = ensure_certifier(
        name="OPS Conseil", address="1 Rue de Colonel Chambonnet – 69500 BRON"
    )
    referential.load_referential_file(settings.ACQUIS_BUILTIN_REFERENTIAL, owner=certifier)
    logins = []
    for email, first, last, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, first_name=first, last_name=last,
                is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
            )  # fmt: skip
        grant_role(user, certifier, role)
        logins.append(DemoLogin(email, role.label))
    return logins
