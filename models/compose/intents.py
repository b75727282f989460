"""The local describer's intents: what a question asks for, and who answers it.

One entry per intent: its name, the question keywords that select it
(English and Japanese; questions are short and spoken, and a keyword table is
easy to test and to extend), the builder that answers it and its family
(see `models.compose.blocks.Family`). Adding an intent is adding an entry.

Entries are listed in priority order: when two intents match at the same
place in a question, the earlier one is answered first. `describe` has no
keywords: it answers when nothing else matched, or when there is no question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.compose import answers
from models.compose.blocks import AnswerContext, Block, Family, Intent


@dataclass(frozen=True)
class IntentSpec:
    """One intent: the question pattern that selects it, its builder and its family."""

    name: Intent
    pattern: re.Pattern[str] | None
    build: Callable[[AnswerContext], Block]
    family: Family


def _keywords(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


INTENTS: tuple[IntentSpec, ...] = (
    IntentSpec(
        "date",  # what's the expiration date?
        _keywords(
            r"expir|best (by|before)|use by|sell by|\bdate\b|\bexp\b|how old|still good|go(ne)? bad"
            r"|賞味期限|消費期限|有効期限|期限|日付"
        ),
        answers.date,
        "number",
    ),
    IntentSpec(
        "temperature",  # what temperature do I bake this at?
        _keywords(
            r"temperature|degrees?|\bhot\b|preheat|bake|oven|fahrenheit|celsius|温度|何度|オーブン"
        ),
        answers.temperature,
        "number",
    ),
    IntentSpec(
        "display_number",  # what does the display show? has the oven reached 450?
        _keywords(
            r"display|\bshow(s|ing)?\b.*\b(number|reading)|number|reading|thermostat|scale"
            r"|\bweigh|\bsteps\b|\btime\b|timer|clock|meter|gauge|表示|数字|画面|体重|何時"
        ),
        answers.display_number,
        "number",
    ),
    IntentSpec(
        "quantity",  # how many ounces in this container?
        _keywords(
            r"how (many|much) (ounces|oz|grams|calories|milligrams|mg|ml|pounds)"
            r"|\bounces\b|\bcalories\b"
            r"|\bdos(e|age)\b|\bmg\b|容量|グラム|カロリー|何ミリ"
        ),
        answers.quantity,
        "number",
    ),
    IntentSpec(
        "people",  # how many people, where are they?
        _keywords(
            r"\bpeople\b|\bperson\b|\bpersons\b|anyone|anybody|someone|somebody|\bfaces?\b|\bwho\b"
            r"|\bkids?\b|\bchildren\b|\bman\b|\bwoman\b|人|誰|顔"
            # Visible attributes (models.compose.people): "is he smiling?", "what is she wearing?"
            r"|smil|\bwearing\b|clothes|clothing|dressed|outfit|sunglasses|wear\w* glasses"
            r"|look(s|ing)? (at|into|towards?) (the |my )?(camera|lens|me)\b|eye contact"
            r"|\beyes (are |were )?(open|closed|shut)\b|\bfriend|\bhair\b(?!\s*(dryer|spray|brush))"
            r"|\b(his|her|their) (shirt|t-?shirt|jacket|sweater|dress|coat|hoodie|top|hat)\b"
            r"|笑|着て|服装|髪|眼鏡|メガネ|サングラス|目を(閉|開|つぶ)|カメラを見|表情|友達|友人"
        ),
        answers.people,
        "people",
    ),
    IntentSpec(
        "colour",  # what colour is this?
        _keywords(r"colou?rs?\b|\bshade\b|色"),
        answers.colour,
        "colour",
    ),
    IntentSpec(
        "read_text",  # what does this say?
        _keywords(
            r"\bsay(s|ing)?\b|\bread\b|\bwritten\b|\btext\b|\bwords?\b|\blabel\b|\btitle\b|\bmessage\b"
            r"|\bletter\b|\binstructions?\b|\bdirections\b|\bsteps\b|\berror\b|on (?:the )?screen"
            r"|書いて|読んで|読み|文字|文章|ラベル|説明"
        ),
        answers.read_text,
        "text",
    ),
    IntentSpec(
        "identify",  # what is this (can)? what brand? which cereal?
        _keywords(
            r"what(?:'s| is|s)? (?:this|that|it|in)\b|what (?:kind|type|sort|brand|flavou?r)"
            r"|which\b|\bbrand\b|\bwhat book\b|\bwhat game\b|\bname of\b|\bidentify\b"
            r"|what (?:are|is) (?:these|those)"
            r"|何(?:です|でしょう|か[？?]?$)|なん(?:です|でしょう)|どんな|銘柄|商品|ブランド|種類"
        ),
        answers.identify,
        "object",
    ),
    IntentSpec("describe", None, answers.describe, "overview"),  # anything else, or no question
)

FALLBACK_INTENT: Intent = "describe"


def intent_spec(name: Intent) -> IntentSpec:
    """The registry entry of an intent."""
    return next(spec for spec in INTENTS if spec.name == name)


def family_of(name: Intent) -> Family:
    """The family of an intent."""
    return intent_spec(name).family
