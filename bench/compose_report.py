"""Verdicts per issue-12 class for `bench/compose.py` (old and new answers)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
FACE_LABELS = REPO_ROOT / "bench" / "data" / "face_attributes.json"
# English words that show an answer said a visible attribute of a person.
ATTRIBUTE_WORDS = re.compile(r"smil|camera|wearing|hair|eyes|glasses", re.IGNORECASE)
ROTATION_WORDS = re.compile(r"upside down|on its side", re.IGNORECASE)
GUESS = re.compile(r"(?:It looks like|It is probably) (.+?)(?:, but|\.)")
HEDGES = ("may say", "かもしれません", "hard to make out", "読みにくい")


def _sets(key: str) -> str:
    return "held-out" if key.startswith("heldout/") else "tuning"


def _face_labels(heldout: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    labels = {f"heldout/{k}": v["faces"] for k, v in heldout.items() if v.get("faces")}
    for key, faces in json.loads(FACE_LABELS.read_text())["photos"].items():
        labels[key.replace("tuning/", "face_tuning/")] = faces
    return labels


def _yes_no(text: str, aspect: str) -> bool | None:
    if aspect == "smiling":
        if re.search(r"does not seem to be smiling|not smiling", text):
            return False
        return True if re.search(r"seems to be smiling|: smiling|, smiling", text) else None
    if re.search(r"turned away from the camera|looking away", text):
        return False
    return True if "towards the camera" in text else None


def report(results: dict[str, Any], heldout: dict[str, Any], ten: Any, questions: Any) -> None:
    """Print before -> after per class."""
    cache = json.loads((REPO_ROOT / "bench/data/compose_analyses.json").read_text())
    faces = _face_labels(heldout)
    rows: dict[str, dict[str, str]] = {}
    for name, result in results.items():
        probes, qa = result["probes"], result["qa"]
        row: dict[str, str] = {}
        row["QA proxy (shared, 70 cases)"] = f"{sum(c['passed'] for c in qa.values())}/{len(qa)}"
        for group in ("tuning", "held-out"):
            useful = total = right = wrong = 0
            for key, labels in faces.items():
                if _sets(key) != group or key not in cache or not cache[key]["faces"]:
                    continue
                for aspect, question in questions.items():
                    text = probes.get(f"{key}|{question}|en", "")
                    total += 1
                    useful += bool(ATTRIBUTE_WORDS.search(text))
                    if aspect in ("smiling", "facing") and len(labels) == 1:
                        truth = labels[0]["smiling" if aspect == "smiling" else "facing_camera"]
                        said = _yes_no(text, aspect)
                        if truth is not None and said is not None:
                            right += said == truth
                            wrong += said != truth
            row[f"people {group}: answers with an attribute"] = f"{useful}/{total}"
            row[f"people {group}: smiling/facing yes-no right/wrong"] = f"{right}/{wrong}"
        for group in ("tuning", "held-out"):
            spoken = garbled = 0
            for key, analysis in cache.items():
                if _sets(key) != group:
                    continue
                for question, language in (("What does it say?", "en"), ("これは何ですか？", "ja")):
                    text = probes.get(f"{key}|{question}|{language}", "")
                    for line in analysis["text_lines"]:
                        if line.get("plausible", True):
                            continue
                        garbled += 1
                        if line["text"] in text and not any(h in text for h in HEDGES):
                            spoken += 1
            row[f"garbled lines {group}: spoken unhedged"] = f"{spoken}/{garbled}"
        named = total = false_rotation = small = 0
        for photo, label in heldout.items():
            key = f"heldout/{photo}"
            text = probes.get(f"{key}|What is this?|en", "")
            if label.get("object_large") and label.get("objects"):
                total += 1
                named += any(obj.lower() in text.lower() for obj in label["objects"])
            if label.get("text_small"):
                small += 1
                false_rotation += bool(ROTATION_WORDS.search(text))
        row["objects held-out: large labelled object named"] = f"{named}/{total}"
        guessed = wrong_guess = 0
        for photo, label in heldout.items():
            text = probes.get(f"heldout/{photo}|What is this?|en", "")
            match = GUESS.search(text)
            if match is None or "objects" not in label:
                continue
            guessed += 1
            wrong_guess += not any(obj.lower() in match.group(1).lower() for obj in label["objects"])
        row["objects held-out: object guesses said, of them wrong"] = f"{guessed}/{wrong_guess}"
        row["rotation held-out: said on small-text photos"] = f"{false_rotation}/{small}"
        milk = probes.get("heldout/r05_milk_upside_down.jpg|Which milk is this?|en", "")
        row["milk r05 says 2%"] = str("2%" in milk)
        rows[name] = row
    names = list(rows)
    print(f"\n{'class':<55}" + "".join(f"{n:>14}" for n in names))
    for metric in rows[names[0]]:
        print(f"{metric:<55}" + "".join(f"{rows[n][metric]:>14}" for n in names))
    print("\nTen people answers:")
    for key, aspect, language in ten:
        probe = f"{key}|{questions[aspect]}|{language}"
        print(f"\n* {key} — {questions[aspect]} ({language})")
        for name in names:
            print(f"  {name}: {results[name]['probes'].get(probe, '(no faces)')}")
    if len(names) == 2:
        old, new = (results[n]["qa"] for n in names)
        flips = [
            (c, old[c]["passed"], new[c]["passed"])
            for c in new
            if c in old and old[c]["passed"] != new[c]["passed"]
        ]
        print(
            "\nQA flips:",
            ", ".join(f"{c} {'pass->fail' if o else 'fail->pass'}" for c, o, _ in flips) or "none",
        )
    for probe in (
        "shared/VizWiz_test_00000056.jpg|What color are my shoes?|en",
        "heldout/r08_laptop_sticker.jpg|What is this?|en",
        "heldout/r05_milk_upside_down.jpg|Which milk is this?|en",
    ):
        print(f"\n{probe}")
        for name in names:
            print(f"  {name}: {results[name]['probes'].get(probe)}")
