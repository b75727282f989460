"""Routes a user's question to what the analyzers can answer.

A question may carry several intents ("What is this? And what colour is it?");
they come back in the order the composer should answer them. Matching is by
keywords in English and Japanese: the questions are short and spoken, and a
keyword table is easy to test and to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from models.compose.extract import parse_number_words

Intent = Literal[
    "read_text",  # what does this say?
    "identify",  # what is this (can)? what brand? which cereal?
    "colour",  # what colour is this?
    "people",  # how many people, where are they?
    "display_number",  # what does the display show? has the oven reached 450?
    "date",  # what's the expiration date?
    "temperature",  # what temperature do I bake this at?
    "quantity",  # how many ounces in this container?
    "describe",  # anything else, or no question
]

_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        "date",
        re.compile(
            r"expir|best (by|before)|use by|sell by|\bdate\b|\bexp\b|how old|still good|go(ne)? bad"
            r"|賞味期限|消費期限|有効期限|期限|日付",
            re.I,
        ),
    ),
    (
        "temperature",
        re.compile(
            r"temperature|degrees?|\bhot\b|preheat|bake|oven|fahrenheit|celsius|温度|何度|オーブン",
            re.I,
        ),
    ),
    (
        "display_number",
        re.compile(
            r"display|\bshow(s|ing)?\b.*\b(number|reading)|number|reading|thermostat|scale"
            r"|\bweigh|\bsteps\b|\btime\b|timer|clock|meter|gauge|表示|数字|画面|体重|何時",
            re.I,
        ),
    ),
    (
        "quantity",
        re.compile(
            r"how (many|much) (ounces|oz|grams|calories|milligrams|mg|ml|pounds)"
            r"|\bounces\b|\bcalories\b"
            r"|\bdos(e|age)\b|\bmg\b|容量|グラム|カロリー|何ミリ",
            re.I,
        ),
    ),
    (
        "people",
        re.compile(
            r"\bpeople\b|\bperson\b|\bpersons\b|anyone|anybody|someone|somebody|\bfaces?\b|\bwho\b"
            r"|\bkids?\b|\bchildren\b|\bman\b|\bwoman\b|人|誰|顔",
            re.I,
        ),
    ),
    ("colour", re.compile(r"colou?rs?\b|\bshade\b|色", re.I)),
    (
        "read_text",
        re.compile(
            r"\bsay(s|ing)?\b|\bread\b|\bwritten\b|\btext\b|\bwords?\b|\blabel\b|\btitle\b|\bmessage\b"
            r"|\bletter\b|\binstructions?\b|\bdirections\b|\bsteps\b|\berror\b|on (?:the )?screen"
            r"|書いて|読んで|読み|文字|文章|ラベル|説明",
            re.I,
        ),
    ),
    (
        "identify",
        re.compile(
            r"what(?:'s| is|s)? (?:this|that|it|in)\b|what (?:kind|type|sort|brand|flavou?r)"
            r"|which\b|\bbrand\b|\bwhat book\b|\bwhat game\b|\bname of\b|\bidentify\b"
            r"|what (?:are|is) (?:these|those)"
            r"|何(?:です|でしょう|か[？?]?$)|なん(?:です|でしょう)|どんな|銘柄|商品|ブランド|種類",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class QuestionRoute:
    """The intents of a question, in answer order, and any number it names (e.g. 450)."""

    intents: tuple[Intent, ...]
    target_number: int | None = None
    unit_hint: str | None = None  # e.g. "ounces" for "how many ounces"


def route_question(question: str | None) -> QuestionRoute:
    """Classify a question into intents; no question means a general description."""
    if not question or not question.strip():
        return QuestionRoute(intents=("describe",))
    text = question.strip()
    positions: dict[Intent, int] = {}
    for intent, pattern in _RULES:
        match = pattern.search(text)
        if match:
            positions[intent] = match.start()
    # Answer in the order the user asked ("what is this? and what colour is it?").
    found: list[Intent] = sorted(positions, key=lambda intent: positions[intent])
    # "How long and what temperature do I bake this for?" is about the printed
    # instructions; the package text answers it better than a display reading.
    if (
        "temperature" in found
        and "display_number" in found
        and not re.search(
            r"display|screen|oven (is|at|reached|gotten)|gotten up|reached|表示", text, re.I
        )
    ):
        found.remove("display_number")
    if not found:
        found = ["describe"]
    target = parse_number_words(text) if {"temperature", "display_number"} & set(found) else None
    unit = None
    unit_match = re.search(
        r"how (?:many|much) (ounces|oz|grams|calories|milligrams|mg|ml|pounds)", text, re.I
    )
    if unit_match:
        unit = {"oz": "ounces", "mg": "milligrams", "ml": "millilitres"}.get(
            unit_match.group(1).lower(), unit_match.group(1).lower()
        )
    return QuestionRoute(intents=tuple(dict.fromkeys(found)), target_number=target, unit_hint=unit)
