"""Generate a synthetic France compétences export (flux V4.1) of N fiches for benchmarks.

The fiches are the real ones of ../shared/data/rncp/ (8 RNCP fiches with 37 blocs, 8 RS
fiches), cycled and renumbered so that every NUMERO_FICHE, ID_FICHE and bloc CODE is unique.
The mix follows the real export (formats.md §1.1: 25,638 RNCP / 4,837 RS fiches, ~400 RNCP
fiches without blocs): ~84 % RNCP, ~16 % RS, ~2 % of the RNCP fiches without blocs.

The sample fiches carry many more partners than the average fiche (72 per RNCP sample fiche
against 13 per fiche in the real export: 397,774 partners for 30,475 fiches), so the partner
lists are cut to --max-partners (default 25: ~12 per fiche on average) to keep the file size
close to the real export's; --all-partners keeps them all (a file about twice as big).

Usage: gen_rncp_export.py OUTPUT.xml [--fiches 30000] [--seed 20261129]
Deterministic: the same arguments give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from pathlib import Path

from lxml import etree

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "rncp"
RNCP_SAMPLE = DATA / "export_fiches_RNCP_v4.1_sample.xml"
RS_SAMPLE = DATA / "export_fiches_RS_v4.1_sample.xml"

RS_SHARE = 0.16
RNCP_WITHOUT_BLOCKS_SHARE = 0.02
# The real export has 55,761 blocs for 25,638 RNCP fiches (formats.md §1.1): ~2.2 per fiche.
# The sample's fiches carry 4.6: by default a fiche keeps k of its blocs, k drawn with these
# weights (mean 2.25); --all-blocs keeps them all (a heavier workload than the real one).
BLOCS_KEPT_WEIGHTS = {1: 0.30, 2: 0.30, 3: 0.25, 4: 0.15}
FIRST_NUMBER = 100_000  # above every real number, below the 6-digit limit of the format
DEFAULT_SEED = 20261129


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True
    )


def load_templates(path: Path) -> list[etree._Element]:
    return list(etree.parse(str(path), _parser()).getroot().iterfind("FICHE"))


def _renumber(fiche: etree._Element, id_fiche: int, numero: str, max_partners: int | None):
    old = fiche.findtext("NUMERO_FICHE")
    fiche.find("ID_FICHE").text = str(id_fiche)
    fiche.find("NUMERO_FICHE").text = numero
    # Bloc codes "{NUMERO_FICHE}BCnn", in the fiche's blocs and in its own side of the
    # correspondences (the DESTINATION side names other fiches: left as is).
    paths = ("BLOCS_COMPETENCES/BLOC_COMPETENCES/CODE", "CORRESPONDANCES/*/SOURCE//CODE")
    for path in paths:
        for code in fiche.iterfind(path):
            if code.text and old and code.text.startswith(old):
                code.text = numero + code.text[len(old) :]
    if max_partners is not None:
        partners = fiche.find("PARTENAIRES")
        if partners is not None:
            for extra in list(partners)[max_partners:]:
                partners.remove(extra)


def _keep_some_blocs(fiche: etree._Element, rng: random.Random) -> None:
    keep = rng.choices(list(BLOCS_KEPT_WEIGHTS), weights=list(BLOCS_KEPT_WEIGHTS.values()))[0]
    for bloc in fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")[keep:]:
        bloc.getparent().remove(bloc)


def generate(
    output: str | Path,
    *,
    fiches: int = 30_000,
    seed: int = DEFAULT_SEED,
    max_partners: int | None = 25,
    all_blocs: bool = False,
) -> dict:
    """Write the export to `output`; return what it holds (counts and size)."""
    rncp, rs = load_templates(RNCP_SAMPLE), load_templates(RS_SAMPLE)
    rng = random.Random(seed)
    stats = {"fiches": 0, "rncp": 0, "rs": 0, "rncp_without_blocks": 0, "blocks": 0}
    output = Path(output)
    with etree.xmlfile(str(output), encoding="UTF-8") as xf:
        xf.write_declaration(standalone=False)
        with xf.element("FICHES"):
            xf.write("\n  ")
            version = etree.Element("VERSION_FLUX")
            version.text = "4.1"
            xf.write(version)
            for index in range(fiches):
                if rng.random() < RS_SHARE:
                    fiche = copy.deepcopy(rs[stats["rs"] % len(rs)])
                    numero = f"RS{FIRST_NUMBER + stats['rs']}"
                    stats["rs"] += 1
                else:
                    fiche = copy.deepcopy(rncp[stats["rncp"] % len(rncp)])
                    numero = f"RNCP{FIRST_NUMBER + stats['rncp']}"
                    stats["rncp"] += 1
                    if rng.random() < RNCP_WITHOUT_BLOCKS_SHARE:
                        blocks = fiche.find("BLOCS_COMPETENCES")
                        if blocks is not None:
                            fiche.remove(blocks)
                        stats["rncp_without_blocks"] += 1
                    elif not all_blocs:
                        _keep_some_blocs(fiche, rng)
                    stats["blocks"] += len(fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES"))
                _renumber(fiche, index + 1, numero, max_partners)
                xf.write("\n  ")
                xf.write(fiche, pretty_print=True)
                stats["fiches"] += 1
            xf.write("\n")
    stats["bytes"] = output.stat().st_size
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un export RNCP/RS synthétique (V4.1).")
    parser.add_argument("output", help="fichier XML à écrire")
    parser.add_argument("--fiches", type=int, default=30_000, help="nombre de fiches")
    parser.add_argument(
        "--all-blocs", action="store_true", help="garder tous les blocs des fiches modèles"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="graine (déterministe)")
    parser.add_argument(
        "--max-partners", type=int, default=25, help="partenaires gardés par fiche (défaut 25)"
    )
    parser.add_argument(
        "--all-partners", action="store_true", help="garder tous les partenaires des exemples"
    )
    args = parser.parse_args(argv)
    stats = generate(
        args.output,
        fiches=args.fiches,
        seed=args.seed,
        max_partners=None if args.all_partners else args.max_partners,
        all_blocs=args.all_blocs,
    )
    print(
        f"{args.output} : {stats['fiches']} fiches ({stats['rncp']} RNCP dont "
        f"{stats['rncp_without_blocks']} sans blocs, {stats['rs']} RS), {stats['blocks']} blocs, "
        f"{stats['bytes'] / 1e6:.1f} Mo"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
