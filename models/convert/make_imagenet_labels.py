"""Regenerates `imagenet_labels.json` (a development step; the JSON is shipped).

Source: the ImageNet-1k synset list and WordNet lemmas shipped in the `timm`
wheel (Apache-2.0; the lemmas come from WordNet, whose licence permits
redistribution). Run: `pip download --no-deps timm`, unzip the wheel, then
`python -m models.convert.make_imagenet_labels PATH/timm/data/_info`.

Class index i is the i-th synset in sorted order, as in every ImageNet-1k model.
`label` is the first lemma, renamed where that lemma would mislead a listener
(duplicates, brand names, jargon).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).with_name("imagenet_labels.json")
RENAMES = {
    "n02012849": "crane (bird)",
    "n03126707": "crane (machine)",
    "n03710637": "swimsuit",
    "n03710721": "one-piece swimsuit",
    "n04264628": "computer keyboard",  # "space bar": the model's name for close-up keyboards
    "n03642806": "laptop",
    "n03832673": "laptop",  # "notebook" in ImageNet is the computer
    "n04152593": "computer screen",
    "n03782006": "computer monitor",
    "n04554684": "washing machine",
    "n03983396": "soda bottle",
    "n02992529": "mobile phone",
    "n03485407": "handheld computer",
    "n02786058": "adhesive bandage",
    "n06359193": "website",
    "n04548280": "wall clock",
    "n03196217": "digital clock",
    "n07930864": "cup",
    "n03063599": "coffee mug",
    "n04074963": "remote control",
    "n03680355": "loafer",
    "n04350905": "suit",
    "n03871628": "package",
    "n04118776": "ruler",
    "n03825788": "baby bottle teat",
    "n07248320": "book cover",
    "n03337140": "filing cabinet",
    "n02655020": "pufferfish",
    "n03584254": "music player",
    "n03133878": "slow cooker",
    "n03476684": "hair clip",
}


def main(info_dir: Path) -> None:
    """Write the 1000 labels from timm's synset and lemma files."""
    synsets = (info_dir / "imagenet_synsets.txt").read_text().split()
    lemmas = dict(
        line.split("\t", 1)
        for line in (info_dir / "imagenet_synset_to_lemma.txt").read_text().splitlines()
        if "\t" in line
    )
    assert len(synsets) == 1000, "expected the ImageNet-1k synsets"
    labels = [
        {"synset": s, "label": RENAMES.get(s, lemmas[s].split(",")[0].strip()), "lemmas": lemmas[s]}
        for s in synsets
    ]
    OUTPUT.write_text(json.dumps(labels, ensure_ascii=False, indent=0) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
