"""English safety patterns (a package: they do not fit one small file).

English rules run on every text, whatever the answer language: users mix
languages, and speech-to-text often writes English words into other scripts'
sentences. They match the canonical form of `safety.normalize.normalize_english`
(lowercase, no punctuation, chat spellings and typos corrected).
"""

from __future__ import annotations

import re

from safety.normalize import normalize_english
from safety.rules.language import LanguageRules
from safety.rules.languages.en.generated import GENERATED_TEXT
from safety.rules.languages.en.identity import IDENTITY_EN
from safety.rules.languages.en.inference import UNGROUNDED_EN
from safety.rules.languages.en.moderation import (
    AUDIO_OPTION,
    CAPTCHA_EN,
    CAPTCHA_PAGE,
    HARM_TOPIC,
    ILLICIT_EN,
    INSTRUCTION_REQUEST,
)
from safety.rules.languages.en.must_answer import MUST_ANSWER_EN
from safety.rules.languages.en.sensitive import SENSITIVE_EN
from safety.rules.languages.en.topics import TOPICS

RULES = LanguageRules(
    tag="en",
    prepare=normalize_english,
    clauses={
        "illicit": ILLICIT_EN,
        "captcha": CAPTCHA_EN,
        "identity": IDENTITY_EN,
        "sensitive_trait": SENSITIVE_EN,
        "ungrounded_inference": UNGROUNDED_EN,
    },
    disclaimer_topics={category: re.compile(pattern) for category, pattern in TOPICS.items()},
    captcha_page=CAPTCHA_PAGE,
    audio_option=AUDIO_OPTION,
    harm_topic=HARM_TOPIC,
    instruction_request=INSTRUCTION_REQUEST,
    refusal_for={"self_harm": "self_harm", "harm_dose": "harm_dose"},
    generated_text=GENERATED_TEXT,
    must_answer=MUST_ANSWER_EN,
)
