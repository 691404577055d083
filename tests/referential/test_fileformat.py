"""The referential file format: the built-in title, and every kind of error with its line."""

import copy
import re
from pathlib import Path

import pytest

from acquis.referential import fileformat
from tests.conftest import DATA

SOURCE = DATA / "referential" / "000_453fa112b3548314.txt"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def ops():
    from django.conf import settings

    result = fileformat.read_file(settings.ACQUIS_BUILTIN_REFERENTIAL)
    assert result.errors == []
    return result.document


def test_builtin_title_has_the_source_counts(ops):
    blocks = ops["blocks"]
    assert [len(b["competencies"]) for b in blocks] == [5, 9, 4, 6]
    criteria = [x for b in blocks for c in b["competencies"] for x in c["criteria"]]
    assert len(criteria) == 72
    assert ops["certification"]["registry"] == {"kind": None, "number": None}  # never invented
    assert ops["certification"]["level"] is None


def test_every_text_of_the_builtin_title_is_verbatim_from_the_source(ops):
    source = _collapse(SOURCE.read_text(encoding="utf-8"))
    texts = [c["statement"] for b in ops["blocks"] for c in b["competencies"]]
    texts += [x["text"] for b in ops["blocks"] for c in b["competencies"] for x in c["criteria"]]
    texts += [p["text"] for p in ops["rules"]["training"]["memoir"]["required_parts"]]
    texts += [a for b in ops["blocks"] for a in b["activities"]]
    missing = [t for t in texts if _collapse(t) not in source]
    assert missing == []


def test_builtin_rules_are_the_source_parameters(ops):
    rules = ops["rules"]
    assert rules["title_requires_blocks"] == ["B1", "B2", "B3", "B4"]
    assert rules["training"]["work_placement_days"] == 29
    assert len(rules["training"]["memoir"]["required_parts"]) == 7
    assert rules["partial_validation"]["validity_years"] == 5
    assert rules["evaluation_panel"]["min_sector_experience_years"] == 3
    jury = rules["certification_jury"]
    assert jury["size"] == 3
    assert {(m["role"], m["external"]) for m in jury["members"]} == {
        ("employer_representative", True),
        ("employee_representative", True),
        ("certifier_trainer", False),
    }
    assert [d["code"] for d in rules["decisions"]] == ["total", "partial", "refused"]
    training_sequence = next(a for a in ops["assessments"] if a.get("parts"))
    assert training_sequence["covers"] == ["C4.3", "C4.4", "C4.5"]


def test_the_training_sequence_and_the_tool_presentation_are_two_timed_parts(ops):
    """C4.5: "A la suite de l'animation d'une séquence de formation de 30 mn, le candidat
    présente ses modalités et son outil d'évaluation": 30 minutes fixed, then a part whose
    length the source does not fix (so the sitting's own total is left empty)."""
    source = _collapse(SOURCE.read_text(encoding="utf-8"))
    e10 = next(a for a in ops["assessments"] if a["code"] == "E10")
    assert e10["duration_minutes"] is None
    assert [(p["code"], p["duration_minutes"], p["covers"]) for p in e10["parts"]] == [
        ("P1", 30, ["C4.3", "C4.4"]),
        ("P2", None, ["C4.5"]),
    ]
    assert all(_collapse(p["text"]) in source for p in e10["parts"])
    assert not any(a.get("parts") for a in ops["assessments"] if a["code"] != "E10")


def test_panels_and_juries_read_their_parameters_from_the_file(ops):
    rules = ops["rules"]
    source = _collapse(SOURCE.read_text(encoding="utf-8"))
    assert rules["sectors"] == [{"code": "insertion", "label": "Insertion"}]
    panel = rules["evaluation_panel"]
    assert (panel["sectors"], panel["min_professionals"]) == (["insertion"], 1)
    assert panel["representative"]["min_sector_experience_years"] is None
    assert panel["representative"]["training_required"] is True
    assert rules["juror_training"]["trainer_role"] == "exam_manager"
    assert rules["juror_training"]["earlier_versions_count"] is False
    external = rules["jury_members"]["external"]
    assert (external["sectors"], external["min_sector_experience_years"]) == (["insertion"], 3)
    for text in (rules["juror_training"]["text"], rules["jury_members"]["text"]):
        assert _collapse(text) in source


def test_what_the_source_does_not_say_is_labelled_practice(ops):
    practice = ops["rules"]["practice"]
    assert {
        "competency_rule",
        "block_rule",
        "memoir_oral_grid",
        "sittings",
        "deliverables_deadline",
    } <= set(practice)
    source = _collapse(SOURCE.read_text(encoding="utf-8"))
    assert not [text for text in practice.values() if _collapse(text) in source]
    # The product's data-protection rule is not presented as a rule of the referential.
    assert "accommodations" not in ops["rules"]
    assert ops["rules"]["deliverables_deadline"] == {"days_before": 2, "time": "23:59"}


def test_every_competency_is_assessed_by_exactly_one_regular_sitting(ops):
    covered = [c for a in ops["assessments"] if not a["final"] for c in a["covers"]]
    codes = [c["code"] for b in ops["blocks"] for c in b["competencies"]]
    assert sorted(covered) == sorted(codes)


MINIMAL = """\
format: acquis-referential/1
certification:
  code: essai
  title: "Titre d'essai"
  certifier: {name: "Certificateur d'essai"}
blocks:
  - code: B1
    title: "Bloc un"
    competencies:
      - code: C1
        statement: "Faire une chose"
        criteria:
          - {code: C1.1, text: "La chose est faite"}
assessments:
  - code: E1
    title: "Épreuve"
    kind: case_study
    covers: [C1]
rules:
  title_requires_blocks: [B1]
  decisions:
    - {code: total, label: "Validation totale"}
    - {code: partial, label: "Validation partielle"}
    - {code: refused, label: "Refus"}
"""


def test_a_minimal_file_is_valid_and_normalised():
    result = fileformat.read_text(MINIMAL)
    assert result.errors == []
    doc = result.document
    assert doc["assessments"][0]["pathways"] == ["training"]
    assert doc["blocks"][0]["competencies"][0]["needs_review"] is False


@pytest.mark.parametrize(
    ("change", "path", "line", "message"),
    [
        (("kind: case_study", "kind: quiz"), "assessments[0].kind", 17, "valeur « quiz »"),
        (
            ("    covers: [C1]", "    covers: [C9]"),
            "assessments[0].covers[0]",
            18,
            "inconnue « C9 »",
        ),
        (
            ("          - {code: C1.1,", "          - {code: 12,"),
            "criteria[0].code",
            13,
            "un texte",
        ),
        (('    title: "Bloc un"\n', ""), "blocks[0]", 7, "manquant : title"),
        (("  title_requires_blocks: [B1]", "  title_requires_blocks: [B7]"), "rules", 20, "B7"),
        (
            ("    kind: case_study\n", "    kind: case_study\n    couleur: bleu\n"),
            "",
            18,
            "couleur",
        ),
    ],
)
def test_errors_name_the_path_and_the_line(change, path, line, message):
    result = fileformat.read_text(MINIMAL.replace(*change))
    assert not result.ok
    issue = result.errors[0]
    assert path in issue.path
    assert issue.line == line
    assert message in issue.message


def test_duplicate_codes_are_reported_with_the_first_use():
    text = MINIMAL.replace(
        '          - {code: C1.1, text: "La chose est faite"}',
        '          - {code: C1.1, text: "La chose est faite"}\n'
        '          - {code: C1.1, text: "Encore"}',
    )
    result = fileformat.read_text(text)
    assert [i.message for i in result.errors] == [
        "code de critère « C1.1 » déjà utilisé (blocks[0].competencies[0].criteria[0])"
    ]
    assert result.errors[0].line == 14


def test_a_competency_without_sitting_is_an_error_but_only_a_warning_in_a_draft():
    text = MINIMAL.replace("    covers: [C1]", "    covers: []\n    final: true")
    result = fileformat.read_text(text)
    assert "n'est évaluée par aucune épreuve" in result.errors[0].message
    draft = fileformat.read_text("draft: true\n" + text)
    assert draft.ok
    assert "n'est évaluée par aucune épreuve" in draft.warnings[0].message


def test_yaml_syntax_and_duplicate_keys_are_reported_with_lines():
    broken = fileformat.read_text(MINIMAL.replace('title: "Bloc un"', 'title: "Bloc un'))
    assert broken.errors[0].message.startswith("YAML illisible")
    assert broken.errors[0].line is not None
    dup = fileformat.read_text(MINIMAL.replace("  code: essai\n", "  code: essai\n  code: x\n"))
    assert dup.errors[0].message == "clé en double dans le même objet"
    assert dup.errors[0].line == 4


def test_missing_file_and_format_message(tmp_path: Path):
    assert "introuvable" in fileformat.read_file(tmp_path / "absent.yaml").errors[0].message
    issue = fileformat.Issue("blocks[0]", "message", 7)
    assert issue.format("ref.yaml") == "ref.yaml:7 (blocks[0]) : message"


def test_covers_are_normalised_in_referential_order():
    text = MINIMAL.replace(
        '      - code: C1\n        statement: "Faire une chose"\n',
        '      - code: C0\n        statement: "Avant"\n'
        '        criteria: [{code: C0.1, text: "x"}]\n'
        '      - code: C1\n        statement: "Faire une chose"\n',
    ).replace("covers: [C1]", "covers: [C1, C0]")
    result = fileformat.read_text(text)
    assert result.ok, result.errors
    assert result.document["assessments"][0]["covers"] == ["C0", "C1"]


PARTS = """\
    parts:
      - {code: P1, title: "Animation", duration_minutes: 30, covers: [C1]}
      - {code: P2, title: "Présentation", duration_minutes: null}
"""


def test_timed_parts_are_checked():
    with_parts = MINIMAL.replace("    covers: [C1]\n", "    covers: [C1]\n" + PARTS)
    result = fileformat.read_text(with_parts)
    assert result.ok, result.errors
    assert [p["duration_minutes"] for p in result.document["assessments"][0]["parts"]] == [30, None]
    assert "parts" not in fileformat.read_text(MINIMAL).document["assessments"][0]
    bad = with_parts.replace("{code: P2,", "{code: P1,").replace("covers: [C1]}", "covers: [C9]}")
    messages = [(i.path, i.message) for i in fileformat.read_text(bad).errors]
    assert messages == [
        (
            "assessments[0].parts[0].covers[0]",
            "la compétence « C9 » n'est pas évaluée par l'épreuve E1",
        ),
        ("assessments[0].parts[1].code", "partie « P1 » déjà utilisée dans cette épreuve"),
    ]
    total = with_parts.replace("    covers: [C1]\n", "    covers: [C1]\n    duration_minutes: 30\n")
    (issue,) = fileformat.read_text(total).errors
    assert issue.path == "assessments[0].duration_minutes"
    assert issue.line == 19
    shortened = with_parts.replace("duration_minutes: 30,", "duration_minutes: 0,")
    assert "supérieur ou égal à 1" in fileformat.read_text(shortened).errors[0].message


def test_juror_sectors_come_from_the_closed_list():
    text = MINIMAL + (
        '  sectors: [{code: insertion, label: "secteur de l\'insertion"}]\n'
        "  evaluation_panel: {sectors: [insertion, btp]}\n"
        "  jury_members: {external: {sectors: [sante]}}\n"
    )
    errors = [(i.path, i.message) for i in fileformat.read_text(text).errors]
    assert errors == [
        (
            "rules.evaluation_panel.sectors[1]",
            "secteur inconnu « btp » (déclarez-le dans rules.sectors)",
        ),
        (
            "rules.jury_members.external.sectors[0]",
            "secteur inconnu « sante » (déclarez-le dans rules.sectors)",
        ),
    ]
    practice = MINIMAL + '  practice: {Compétence: "x"}\n'
    assert "n'a pas la forme attendue" in fileformat.read_text(practice).errors[0].message


def test_the_builtin_title_lists_the_jobs_the_source_names(ops):
    """Targeted jobs are copied from the source; it gives no ROME code (null, never invented)."""
    source = _collapse(SOURCE.read_text(encoding="utf-8")).casefold()
    jobs = ops["targeted_jobs"]
    assert [job["title"] for job in jobs][:1] == [
        "chargé d'accompagnement collectif et individuel en insertion socio-professionnelle"
    ]
    assert all(_collapse(job["title"]).casefold() in source for job in jobs)
    assert {job["rome"] for job in jobs} == {None}


def test_targeted_jobs_are_optional_and_checked():
    assert "targeted_jobs" not in fileformat.read_text(MINIMAL).document  # hashes kept
    jobs = (
        "targeted_jobs:\n"
        '  - {title: "Conseiller en insertion professionnelle", rome: K1801}\n'
        '  - {title: "Formateur"}\n'
    )
    doc = fileformat.read_text(MINIMAL.replace("blocks:\n", jobs + "blocks:\n")).document
    assert doc["targeted_jobs"] == [
        {"title": "Conseiller en insertion professionnelle", "rome": "K1801"},
        {"title": "Formateur", "rome": None},
    ]
    bad = jobs.replace("K1801", "K18") + '  - {title: "formateur "}\n'
    result = fileformat.read_text(MINIMAL.replace("blocks:\n", bad + "blocks:\n"))
    messages = [(i.path, i.line, i.message) for i in result.errors]
    assert messages == [
        ("targeted_jobs[0].rome", 7, "« K18 » n'a pas la forme attendue (^[A-N][0-9]{4}$)")
    ]
    duplicate = jobs + '  - {title: "formateur "}\n'
    result = fileformat.read_text(MINIMAL.replace("blocks:\n", duplicate + "blocks:\n"))
    assert [(i.path, i.message) for i in result.errors] == [
        ("targeted_jobs[2].title", "métier « formateur  » déjà cité")
    ]


def test_the_registration_facts_are_read_and_checked(ops):
    """Registration facts (NSF, France Compétences decision): only when the file gives them,
    so a file without them keeps its document and hash."""
    assert "registration" not in ops["certification"]
    tree = copy.deepcopy(ops)
    tree["certification"]["registration"] = {"nsf": "332t", "decision_date": "2022-06-29"}
    result = fileformat.check_document(tree)
    assert result.errors == []
    assert result.document["certification"]["registration"] == {
        "nsf": "332t",
        "decision_date": "2022-06-29",
        "duration_years": None,
    }
    tree["certification"]["registration"] = {"nsf": "33"}
    messages = [issue.format() for issue in fileformat.check_document(tree).errors]
    assert any("certification.registration.nsf" in m for m in messages), messages
    tree["certification"]["registration"] = {"decision_date": "2022-02-30"}
    messages = [issue.format() for issue in fileformat.check_document(tree).errors]
    assert any("2022-02-30" in m and "n'est pas une date" in m for m in messages), messages
