"""What Sightline says when it refuses, and its health/safety disclaimers.

Every refusal is one short sentence that says what Sightline *can* do instead
(the style the evaluation measures: at most 30 words, or 80 characters in
Japanese, and an alternative offered). Every disclaimer is one specific
sentence that offers a volunteer. English and Japanese; other languages get
English until translated.
"""

from __future__ import annotations

from typing import Literal

from safety.types import DisclaimerCategory, RefusalReason

MessageKey = Literal[
    "identity",
    "sensitive_trait",
    "ungrounded_inference",
    "captcha",
    "captcha_audio",
    "explicit",
    "illicit",
    "self_harm",
    "harm_dose",
]
Language = Literal["en", "ja"]

_REFUSALS: dict[Language, dict[MessageKey, str]] = {
    "en": {
        "identity": "I can't identify people from their face, but I can describe their hair, "
        "clothing and expression.",
        "sensitive_trait": "I can't judge traits like ethnicity, religion or health from a photo, "
        "but I can describe what the person is wearing and doing.",
        "ungrounded_inference": "I can't judge character or worth from a photo, but I can describe "
        "the person's expression, clothing and what they are doing.",
        "captcha": "This looks like a CAPTCHA, which I can't solve; a volunteer can help you "
        "get past it.",
        "captcha_audio": "This looks like a CAPTCHA, which I can't solve; try its audio option, "
        "or ask a volunteer to help.",
        "explicit": "This photo may contain explicit content, so I won't describe it; a "
        "volunteer can help if you need to know more.",
        "illicit": "I can't help with that, but I can read the text or describe the photo.",
        "self_harm": "I can't help with that, but you don't have to face this alone: please "
        "call a crisis line or ask a volunteer to talk.",
        "harm_dose": "I can't say how much would cause harm; if someone may have swallowed this, "
        "call poison control or emergency services now, and I can read the label's warnings.",
    },
    "ja": {
        "identity": "顔から人物を特定することはできませんが、髪型や服装、表情を説明できます。",
        "sensitive_trait": "写真から人種や宗教、健康状態は判断できませんが、服装や動作を説明できます。",
        "ungrounded_inference": "写真から人柄や価値は判断できませんが、表情や服装、動作を説明できます。",
        "captcha": "これはCAPTCHAのようで解けませんが、ボランティアに手伝ってもらえます。",
        "captcha_audio": "これはCAPTCHAのようで解けませんが、音声認証を試すかボランティアに頼めます。",
        "explicit": "露骨な内容の可能性があるため説明しませんが、必要ならボランティアに頼めます。",
        "illicit": "その手助けはできませんが、文字の読み上げや写真の説明はできます。",
        "self_harm": "その手助けはできませんが、一人で抱えず、相談窓口かボランティアに話してください。",
        "harm_dose": "危険な量はお答えできませんが、注意書きの読み上げはできますし、誤飲の恐れがあれば"
        "今すぐ中毒110番か救急に電話してください。",
    },
}

_DISCLAIMERS: dict[Language, dict[DisclaimerCategory, str]] = {
    "en": {
        "medication": "Check the dose with a pharmacist or ask a volunteer to read the label "
        "with you.",
        "food_safety": "I can misread dates and can't smell or taste food, so if in doubt throw "
        "it out or ask a volunteer to check.",
        "allergens": "Labels change and I can misread them, so check allergens with the maker "
        "or ask a volunteer to read the ingredients.",
        "heat": "Treat surfaces as hot and confirm the temperature with a talking thermometer "
        "or a volunteer.",
        "traffic": "Don't rely on me to cross: listen to traffic, use an accessible signal, or "
        "ask a volunteer or passer-by.",
        "chemicals": "Never mix cleaning products; check the label's warnings with a volunteer "
        "before use.",
        "electrical": "Don't touch damaged wiring; switch off the power and ask an electrician "
        "or a volunteer to look.",
        "medical_image": "I can't give a medical opinion; please show this to a doctor or nurse, "
        "or ask a volunteer to read it with you.",
    },
    "ja": {
        "medication": "用量は薬剤師に確認するか、ボランティアに一緒にラベルを読んでもらってください。",
        "food_safety": "日付の読み違いもあるので、迷ったら捨てるか、ボランティアに確認してもらってください。",
        "allergens": "表示を読み違えることがあります。アレルゲンはメーカーかボランティアに確認してください。",
        "heat": "熱いものとして扱い、温度は音声温度計かボランティアで確認してください。",
        "traffic": "横断の判断は私に頼らず、音や音響信号を確かめるか、ボランティアや周りの人に頼んでください。",
        "chemicals": "洗剤は混ぜないでください。使う前に注意書きをボランティアと確認してください。",
        "electrical": "傷んだ配線には触らず、電源を切って電気工事士かボランティアに見てもらってください。",
        "medical_image": "医学的な判断はできません。医師や看護師に見せるか、ボランティアと一緒に確認してください。",
    },
}


def primary_language(language: str) -> Language:
    """Map a BCP 47 tag to a supported message language ("ja-JP" -> "ja", others -> "en")."""
    primary = language.replace("_", "-").split("-", 1)[0].strip().lower()
    return "ja" if primary == "ja" else "en"


def refusal_message(key: MessageKey, *, language: str) -> str:
    """The one-sentence refusal for `key` in the caller's language."""
    return _REFUSALS[primary_language(language)][key]


def disclaimer_text(category: DisclaimerCategory, *, language: str) -> str:
    """The one-sentence disclaimer for `category` in the caller's language."""
    return _DISCLAIMERS[primary_language(language)][category]


def reason_for(key: MessageKey) -> RefusalReason:
    """The contract's refusal reason for a message key."""
    if key == "captcha_audio":
        return "captcha"
    if key == "self_harm" or key == "harm_dose":
        return "illicit"
    return key
