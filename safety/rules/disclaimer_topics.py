"""Health and safety topics that earn a disclaimer.

Each category is found in the question, in the text read from the photo and
in the answer: a cough-syrup label is medicine even when the question is
"what is this?". The patterns prefer specific words ("tablets", "use by",
"contains: milk") over broad ones ("mg" also appears on nutrition labels, so it
is not used). A disclaimer is cheap and offers a human; a missed one on a pill
bottle is not, so the lists lean towards coverage.
"""

from __future__ import annotations

import re
from typing import get_args

from safety.types import DisclaimerCategory

_EN: dict[DisclaimerCategory, str] = {
    "medication": r"\b(?:pills?|tablets?|capsules?|caplets?|doses?|dosage|dosing|medicine|medicines"
    r"|medication|medications|prescriptions?|prescribed|rx|syrup|ibuprofen|acetaminophen|paracetamol"
    r"|tylenol|advil|aspirin|motrin|aleve|naproxen|antibiotics?|amoxicillin|insulin|drug facts"
    r"|active ingredients?|dextromethorphan|antihistamine|inhaler|ointment|eye drops|pharmacy"
    r"|pharmacist|milligrams?|overdose)\b",
    "food_safety": r"\b(?:expir(?:y|ation|ed|es|ing)|best before|best by|use by|sell by|still good"
    r"|gone (?:bad|off)|go bad|spoiled|spoilt|rotten|mou?ldy?|cooked through|undercooked|raw (?:chicken"
    r"|meat|pork|egg|eggs|fish)|safe to eat|keep refrigerated|refrigerate after opening|food poisoning"
    r"|still fresh)\b",
    "allergens": r"\b(?:allerg(?:en|ens|y|ies|ic)|peanuts?|tree nuts?|nuts|gluten|contains (?:\w+ )?"
    r"(?:milk|eggs?|wheat|soy|fish|shellfish|sesame)|may contain|lactose|shellfish|sesame|celiac"
    r"|coeliac|dairy free|nut free)\b",
    "heat": r"\b(?:oven|ovens|stove|stovetop|burner|burners|cooktop|hob|preheat|degrees|fahrenheit"
    r"|celsius|is it hot|too hot|still hot|hot enough|boiling|kettle|hot plate|space heater|grill|toaster|fireplace"
    r"|bake at|temperature|\d{3} ?f)\b|\d ?°",
    "traffic": r"\b(?:traffic (?:light|lights|signal|signals)|walk signal|walk sign|crosswalk"
    r"|pedestrian crossing|cross the (?:street|road)|crossing the (?:street|road)|intersection"
    r"|dont walk|oncoming|cars? coming|traffic|safe to cross|ok to cross|okay to cross|can i cross"
    r"|(?:the )?light (?:is )?(?:green|red)|green light|red light|(?:green|red) for crossing)\b",
    "chemicals": r"\b(?:bleach|ammonia|cleaning products?|cleaners?|detergent|drain cleaner|poison"
    r"|poisonous|toxic|corrosive|harmful if swallowed|pesticide|insecticide|weed killer|herbicide"
    r"|solvent|paint thinner|lye|chlorine|antifreeze|do not mix|vinegar)\b",
    "electrical": r"\b(?:outlets?|sockets?|wires?|wiring|breakers?|fuses?|fuse box|voltage|volts?"
    r"|electrical|extension cords?|power strip|circuit|electric shock|live wire|power cord|frayed)\b",
    "medical_image": r"\b(?:x ?rays?|xray|mri|ct scan|ultrasound|sonogram|rash|mole|wound|bruise"
    r"|swollen|swelling|infection|infected|blister|lab results|blood test|test results|blood sugar"
    r"|glucose|blood pressure|thermometer|pregnancy test|covid test|lump|stitches)\b",
}

_JA: dict[DisclaimerCategory, str] = {
    "medication": r"薬(?!味)|(?<!施)錠|カプセル|服用|用法|用量|処方|シロップ",
    "food_safety": r"賞味期限|消費期限|期限切れ|腐っ|腐敗|腐り|カビ|生焼け|要冷蔵|傷んで",
    "allergens": r"アレルギー|アレルゲン|落花生|ピーナッツ|特定原材料|乳成分|そば粉",
    "heat": r"オーブン|コンロ|ガス台|ストーブ|熱い|高温|温度|予熱|やけど|沸騰|ケトル|グリル|\d+度",
    "traffic": r"信号|横断歩道|道路を渡|交差点|踏切|車が来",
    "chemicals": r"漂白剤|洗剤|塩素|混ぜるな|殺虫剤|農薬|有毒|劇物|毒物|除草剤",
    "electrical": r"コンセント|電線|配線|ブレーカー|感電|電圧|延長コード|ヒューズ|漏電",
    "medical_image": r"レントゲン|エコー検査|発疹|湿疹|ほくろ|あざ|腫れ|血糖|血圧|検査結果|体温計|妊娠検査",
}

# The order disclaimers are spoken in: the order of the contract's category list.
_ORDER: tuple[DisclaimerCategory, ...] = get_args(DisclaimerCategory)
_COMPILED_EN = {category: re.compile(pattern) for category, pattern in _EN.items()}
_COMPILED_JA = {category: re.compile(pattern) for category, pattern in _JA.items()}


def find_topics(*, english: str = "", japanese: str = "") -> frozenset[DisclaimerCategory]:
    """Categories whose patterns occur in normalised English or Japanese text."""
    found: set[DisclaimerCategory] = set()
    for category in _ORDER:
        if english and _COMPILED_EN[category].search(english):
            found.add(category)
        elif japanese and _COMPILED_JA[category].search(japanese):
            found.add(category)
    return frozenset(found)


def ordered(categories: frozenset[DisclaimerCategory]) -> tuple[DisclaimerCategory, ...]:
    """Categories in the fixed speaking order."""
    return tuple(category for category in _ORDER if category in categories)
