"""The migration that makes the juror's trainer a user keeps every earlier free-text trainer."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
# The other apps stay at their latest state (the referential's version has its updated_at).
BEFORE = [("evaluations", "0004_slot_timed_parts"), ("referential", "0004_version_updated_at")]
AFTER = [
    ("evaluations", "0005_juror_training_trainer_and_attendance"),
    ("referential", "0004_version_updated_at"),
]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_free_text_trainers_are_kept_as_history():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _check_free_text_trainers_kept()
    finally:
        _migrate(latest)


def _check_free_text_trainers_kept():
    apps = _migrate(BEFORE)
    organisation = apps.get_model("organisations", "Organisation").objects.create(
        kind="certifier", name="OPS Conseil"
    )
    user = apps.get_model("organisations", "User").objects.create(email="jure@exemple.fr")
    certification = apps.get_model("referential", "Certification").objects.create(
        code="essai", title="Titre", owner=organisation
    )
    version = apps.get_model("referential", "CertificationVersion").objects.create(
        certification=certification,
        number=1,
        status="published",
        content_hash="0" * 64,
        document={},
        source_kind="file",
        title="Titre",
        certifier_name="OPS Conseil",
    )
    juror = apps.get_model("evaluations", "JurorProfile").objects.create(
        user=user, certifier=organisation, sector="insertion", role="Conseil", years_experience=5
    )
    apps.get_model("evaluations", "JurorTraining").objects.create(
        juror=juror, version=version, trained_on=date(2025, 1, 6), trained_by="Présidente"
    )
    apps = _migrate(AFTER)
    training = apps.get_model("evaluations", "JurorTraining").objects.get()
    assert training.trained_by_text == "Présidente"
    assert (training.trainer_id, training.trainer_role, training.attendance_record_id) == (
        None,
        "",
        None,
    )
