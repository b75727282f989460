"""English words for the health and safety topics that earn a disclaimer.

The patterns prefer specific words ("tablets", "use by", "contains: milk") over
broad ones ("mg" also appears on nutrition labels, so it is not used). A
disclaimer is cheap and offers a human; a missed one on a pill bottle is not,
so the lists lean towards coverage.
"""

from __future__ import annotations

from safety.types import DisclaimerCategory

TOPICS: dict[DisclaimerCategory, str] = {
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
