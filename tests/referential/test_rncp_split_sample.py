"""The split of every block of the real RNCP sample, against the count a person makes
(tests/data/rncp/expected_counts.json, explained in docs/rncp-import.md): the right number of
competencies on every block, and a review flag on every block whose split is uncertain —
through the document the import writes (fiche_to_document). Then the four classes of real
text that used to split wrong, one by one."""

import json
from pathlib import Path

import pytest

from acquis.referential.rncp import fiche_to_document, iter_fiches, split_with_reasons

DATA = Path(__file__).resolve().parents[1] / "data" / "rncp"
EXPECTED = json.loads((DATA / "expected_counts.json").read_text(encoding="utf-8"))["blocks"]


def imported_blocks() -> dict[str, dict]:
    found = {}
    for fiche in iter_fiches(DATA / "export_fiches_RNCP_v4.1_sample.xml"):
        document, _ = fiche_to_document(fiche)
        for block in document["blocks"]:
            found[block["registry_code"]] = block | {"notes": document["review_notes"]}
    return found


def test_every_block_of_the_sample_has_the_right_count_and_flag():
    blocks = imported_blocks()
    assert set(blocks) == set(EXPECTED) and len(blocks) == 37
    counts = {code: len(block["competencies"]) for code, block in blocks.items()}
    assert counts == {code: e["competencies"] for code, e in EXPECTED.items()}
    flags = {code: any(c["needs_review"] for c in b["competencies"]) for code, b in blocks.items()}
    assert flags == {code: e["review"] for code, e in EXPECTED.items()}
    for code, block in blocks.items():  # a flagged block says why in the review notes
        short = block["code"]
        noted = [n for n in block["notes"] if n.startswith(f"Bloc {short} : découpage")]
        assert bool(noted) == EXPECTED[code]["review"], (code, noted)


def block_text(code: str) -> str:
    for fiche in iter_fiches(DATA / "export_fiches_RNCP_v4.1_sample.xml"):
        for block in fiche.blocks:
            if block.code == code:
                return block.liste_competences
    raise KeyError(code)


def test_a_numbered_parent_is_folded_into_its_own_items():
    """(a) "1.1 Recueillir le besoin" over "1.1.1 Auditer…", "1.1.2 Formaliser…"."""
    split = split_with_reasons(block_text("RNCP36490BC01"))
    assert len(split.statements) == 7 and split.uncertain
    assert split.statements[0].startswith("Recueillir, le besoin du client (contexte")
    assert ") : Auditer les parties prenantes" in split.statements[0]
    assert split.reasons[0].startswith("3 intitulé(s) de groupe rattaché(s) à leurs énoncés")


def test_an_unnumbered_heading_is_folded_into_its_items():
    """(a) Short lines without purpose over the statements that have one."""
    split = split_with_reasons(block_text("RNCP35959BC01"))
    assert len(split.statements) == 9 and split.uncertain
    assert split.statements[0] == (
        "Recueillir les besoins de l’entreprise : Identifier les questions et données "
        "indispensables pour comprendre et analyser le besoin du client en matière de "
        "communication numérique"
    )
    # A long statement without purpose inside a group is one of its items, not a heading.
    assert split.statements[1].startswith("Recueillir les besoins de l’entreprise : Interviewer")


def test_a_plain_list_without_headings_is_left_alone():
    split = split_with_reasons(block_text("RNCP37873BC01"))
    assert split.statements[1] == "Développer des interfaces utilisateur"
    assert not split.uncertain


def test_items_separated_only_by_runs_of_spaces_are_cut():
    """(b) The lines of RNCP35959BC02, their breaks flattened to two or three spaces."""
    lines = [
        "Décomposer la maquette graphique du site en composants numériques",
        "Concevoir ou adapter les médias (polices, photos, sons et/ou vidéos)",
        "Intégrer du contenu conformément à la maquette",
    ]
    for gap in ("  ", "   "):
        assert split_with_reasons(gap.join(lines)).statements == lines
    # Lowercase after the gap is the same sentence: "Valider une solution   technique".
    assert split_with_reasons("Valider une solution   technique").statements == [
        "Valider une solution technique"
    ]


def test_statements_glued_without_separator_are_cut_and_flagged():
    """(c) RNCP35625BC05: "…l'équipe artistique Participer aux réunions…"."""
    split = split_with_reasons(block_text("RNCP35625BC05"))
    assert split.statements[:2] == [
        "Comprendre et savoir-utiliser le langage dramaturgique pour communiquer avec le "
        "metteur en scène et l'équipe artistique",
        "Participer aux réunions collectives avec l’équipe artistique afin de définir "
        "l’esthétique du spectacle",
    ]
    assert split.uncertain and "coupés avant « Participer »" in split.reasons[0]


def test_an_introduction_is_kept_with_its_items():
    """(d) RNCP34762BC05: "En mobilisant une analyse du contexte … :" then A5.C1…A5.C5."""
    split = split_with_reasons(block_text("RNCP34762BC05"))
    assert len(split.statements) == 5 and split.uncertain
    intro = "En mobilisant une analyse du contexte organisationnel et humain"
    assert all(s.startswith(intro) for s in split.statements)
    assert ": Réaliser un diagnostic d’une situation" in split.statements[0]


@pytest.mark.parametrize(
    "text",
    [
        "Les compétences attestées :    * C1. Concevoir un projet    * C2. Tester le projet",
    ],
)
def test_a_boilerplate_introduction_is_dropped(text):
    assert split_with_reasons(text).statements == ["Concevoir un projet", "Tester le projet"]


def test_an_item_without_verb_among_verbs_is_flagged():
    split = split_with_reasons(block_text("RNCP35809BC02"))
    assert len(split.statements) == 20
    assert split.reasons == [
        "énoncé sans verbe dans une liste de verbes (sous-élément ou intitulé ?) : "
        "« Intervention à proximité des réseaux »"
    ]
