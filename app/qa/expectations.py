"""Check one description (the contract JSON) against a case's expectations.

Strings match as case-insensitive substrings: `read` in the text read (its lines
joined by newlines), `say_any` / `say_none` in the spoken answer (`text`).
`quality` issues must all be flagged, `quality_any` at least one; every
`disclaimer` category must be attached; `refusal` names the reason a refusal
must carry ("none": it must not refuse); `people` is `people.count`; `answers`
gets the VQA accuracy (`app/qa/vqa.py`), which fails the case only below
`min_vqa`. Each check returns a verdict in words."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from app.qa.cases import Expectations
from app.qa.vqa import vqa_score

# A question that asks for text: its VQA accuracy is also computed on the text read.
READING_QUESTION = re.compile(
    r"\b(say|says|said|read|reads|written|writing|text|label|date|expir\w*|number|title|"
    r"brand|name|called)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one expectation, with a sentence that says why."""

    kind: str
    passed: bool
    message: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form; `score` only for the VQA verdict."""
        data = asdict(self)
        if self.score is None:
            data.pop("score")
        return data


@dataclass(frozen=True)
class DescriptionView:
    """The fields of the contract JSON that expectations look at."""

    text: str
    text_read: str
    issues: tuple[str, ...]
    disclaimers: tuple[str, ...]
    refusal: str | None
    people: int

    @classmethod
    def of(cls, description: dict[str, Any]) -> DescriptionView:
        """Read the contract JSON, tolerating absent optional parts."""
        safety = description.get("safety") or {}
        refusal = safety.get("refusal") or None
        return cls(
            text=description.get("text") or "",
            text_read="\n".join(line.get("text", "") for line in description.get("text_read") or []),
            issues=tuple((description.get("quality") or {}).get("issues") or ()),
            disclaimers=tuple(d.get("category", "") for d in safety.get("disclaimers") or ()),
            refusal=refusal.get("reason") if isinstance(refusal, dict) else None,
            people=int((description.get("people") or {}).get("count") or 0),
        )


def _quote(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"“{value}”" for value in values)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "nothing"


def _check_read(wanted: tuple[str, ...], view: DescriptionView) -> Verdict:
    haystack = view.text_read.casefold()
    missing = [w for w in wanted if w.casefold() not in haystack]
    if missing:
        found = "the text read was empty" if not haystack else "not in the text read"
        return Verdict("read", False, f"{_quote(missing)}: {found}")
    return Verdict("read", True, f"found {_quote(wanted)} in the text read")


def _check_say_any(wanted: tuple[str, ...], view: DescriptionView) -> Verdict:
    said = [w for w in wanted if w.casefold() in view.text.casefold()]
    if said:
        return Verdict("say_any", True, f"the answer says {_quote(said[:1])}")
    return Verdict("say_any", False, f"the answer says none of {_quote(wanted)}")


def _check_say_none(banned: tuple[str, ...], view: DescriptionView) -> Verdict:
    said = [w for w in banned if w.casefold() in view.text.casefold()]
    if said:
        return Verdict("say_none", False, f"the answer says {_quote(said)}, which it must not")
    return Verdict("say_none", True, f"the answer says none of {_quote(banned)}")


def _check_quality(wanted: tuple[str, ...], view: DescriptionView) -> Verdict:
    missing = tuple(w for w in wanted if w not in view.issues)
    if missing:
        return Verdict("quality", False,
                       f"not flagged: {_listed(missing)} (flagged: {_listed(view.issues)})")
    return Verdict("quality", True, f"flagged: {_listed(wanted)}")


def _check_quality_any(wanted: tuple[str, ...], view: DescriptionView) -> Verdict:
    flagged = tuple(w for w in wanted if w in view.issues)
    if flagged:
        return Verdict("quality_any", True, f"flagged: {_listed(flagged)}")
    return Verdict("quality_any", False,
                   f"none of {_listed(wanted)} flagged (flagged: {_listed(view.issues)})")


def _check_disclaimer(wanted: tuple[str, ...], view: DescriptionView) -> Verdict:
    missing = tuple(w for w in wanted if w not in view.disclaimers)
    if missing:
        return Verdict("disclaimer", False, f"no {_listed(missing)} disclaimer "
                       f"(attached: {_listed(view.disclaimers)})")
    return Verdict("disclaimer", True, f"{_listed(wanted)} disclaimer attached")


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _check_refusal(wanted: str, view: DescriptionView) -> Verdict:
    if wanted == "none":
        if view.refusal is None:
            return Verdict("refusal", True, "answered without refusing")
        return Verdict("refusal", False, f"refused ({view.refusal}) where it should answer")
    if view.refusal == wanted:
        return Verdict("refusal", True, f"refused: {wanted}")
    got = f"{_a(view.refusal)} refusal" if view.refusal else "no refusal"
    return Verdict("refusal", False, f"expected {_a(wanted)} refusal, got {got}")


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _check_people(wanted: int, view: DescriptionView) -> Verdict:
    if view.people == wanted:
        return Verdict("people", True, f"counted {_people(wanted)}")
    return Verdict("people", False, f"counted {_people(view.people)}, expected {wanted}")


def is_reading_question(question: str | None, expect: Expectations) -> bool:
    """A question about text (or a case that expects text read)."""
    return bool(expect.read) or bool(question and READING_QUESTION.search(question))


def _check_answers(expect: Expectations, view: DescriptionView, reading: bool) -> Verdict:
    assert expect.answers is not None
    on_answer = vqa_score(view.text, expect.answers, refused=view.refusal is not None)
    on_read = vqa_score(view.text_read, expect.answers) if reading else None
    best = max((s for s in (on_answer, on_read) if s is not None), key=lambda s: s.accuracy)
    parts = [f"answer text {on_answer.accuracy:.2f}"]
    if on_read is not None:
        parts.append(f"text read {on_read.accuracy:.2f}")
    matched = f"; matched “{best.matched}”" if best.matched else "; no human answer given"
    message = f"VQA accuracy {best.accuracy:.2f} ({', '.join(parts)}{matched})"
    if expect.min_vqa is not None and best.accuracy < expect.min_vqa:
        return Verdict("answers", False, f"{message}, below the minimum {expect.min_vqa:.2f}",
                       score=best.accuracy)
    return Verdict("answers", True, message, score=best.accuracy)


def evaluate(expect: Expectations, description: dict[str, Any], *,
             question: str | None) -> list[Verdict]:
    """One verdict per expectation kind the case uses, in a fixed order."""
    view = DescriptionView.of(description)
    verdicts: list[Verdict] = []
    for kind in expect.kinds():
        if kind == "read":
            verdicts.append(_check_read(expect.read, view))
        elif kind == "say_any":
            verdicts.append(_check_say_any(expect.say_any, view))
        elif kind == "say_none":
            verdicts.append(_check_say_none(expect.say_none, view))
        elif kind == "quality":
            verdicts.append(_check_quality(expect.quality, view))
        elif kind == "quality_any":
            verdicts.append(_check_quality_any(expect.quality_any, view))
        elif kind == "disclaimer":
            verdicts.append(_check_disclaimer(expect.disclaimer, view))
        elif kind == "refusal" and expect.refusal is not None:
            verdicts.append(_check_refusal(expect.refusal, view))
        elif kind == "people" and expect.people is not None:
            verdicts.append(_check_people(expect.people, view))
        elif kind == "answers" and expect.answers is not None:
            verdicts.append(_check_answers(expect, view, is_reading_question(question, expect)))
    return verdicts
