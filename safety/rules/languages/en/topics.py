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
    r"|pharmacist|milligrams?|overdose"
    # supplements and directions printed on a bottle ("supplement facts", "take 1/2 tablet")
    r"|supplements?|supplement facts|multivitamins?|vitamin (?:supplements?|tablets?|gummies)"
    r"|softgels?|lozenges?|gummies|suggested use|directions for use|do not exceed|by mouth"
    r"|\d+ ?iu|take (?:\d+(?: \d+)?|one|two|three|half|a half|one half)"
    r" (?:tablets?|capsules?|caplets?|softgels?|gummies|drops|teaspoons?|tsp|ml|daily|a day"
    r"|times|every|with (?:food|water|a meal)|at bedtime|in the morning))\b",
    "food_safety": r"\b(?:expir(?:y|ation|ed|es|ing)|best before|best by|use by|sell by|still good"
    r"|gone (?:bad|off)|go bad|spoiled|spoilt|rotten|mou?ldy?|cooked through|undercooked|raw (?:chicken"
    r"|meat|pork|egg|eggs|fish)|safe to eat|keep refrigerated|refrigerate after opening|food poisoning"
    r"|still fresh|expiration|use before|consume by|eat by|exp \d+|smells? (?:off|bad|funny|sour)"
    r"|sour(?:ed)?|curdled|slimy|leftovers?|thaw(?:ed|ing)?|defrost(?:ed|ing)?|reheat(?:ed|ing)?"
    r"|freezer burn(?:t|ed)?|ok to (?:eat|drink)|okay to (?:eat|drink)|safe to drink)\b",
    "allergens": r"\b(?:allerg(?:en|ens|y|ies|ic)|peanuts?|tree nuts?|nuts|gluten|contains (?:\w+ )?"
    r"(?:milk|eggs?|wheat|soy|fish|shellfish|sesame)|may contain|lactose|shellfish|sesame|celiac"
    r"|coeliac|dairy free|nut free)\b",
    "heat": r"\b(?:oven|ovens|stove|stovetop|burner|burners|cooktop|hob|preheat|degrees|fahrenheit"
    r"|celsius|is it hot|too hot|still hot|hot enough|boiling|kettle|hot plate|space heater|grill|toaster|fireplace"
    r"|bake at|temperature|\d{3} ?f|microwave|air fryer|frying pan|saucepan|scald(?:ing|ed)?|candles?"
    r"|radiator|heater|hot water|hot drink|hot tea|hot coffee|heating pad|curling iron"
    r"|hair straightener|clothes iron|steam iron)\b|\d ?°",
    "traffic": r"\b(?:traffic (?:light|lights|signal|signals)|walk signal|walk sign|crosswalk"
    r"|pedestrian crossing|cross the (?:street|road)|crossing the (?:street|road)|intersection"
    r"|dont walk|oncoming|cars? coming|traffic|safe to cross|ok to cross|okay to cross|can i cross"
    # "light green" alone is a colour name (answers say "light green and yellow"): a
    # traffic light needs "the light (is) green" not followed by a noun, or "light is".
    r"|the light (?:is )?(?:green|red)(?![ -]\w)|light is (?:green|red)|green light|red light"
    r"|(?:green|red) for crossing|(?:walk|walking|crossing|pedestrian) lights?"
    r"|stop ?light|zebra crossing|crossing signal|(?:road|street) (?:is )?clear|clear to cross"
    r"|bike lane|turning cars?)\b",
    "chemicals": r"\b(?:bleach|ammonia|cleaning products?|cleaners?|detergent|drain cleaner|poison"
    r"|poisonous|toxic|corrosive|harmful if swallowed|pesticide|insecticide|weed killer|herbicide"
    r"|solvent|paint thinner|lye|chlorine|antifreeze|do not mix|vinegar|disinfectant|oven cleaner"
    r"|toilet cleaner|caustic|flammable|irritant|fumes|mothballs|lighter fluid|gasoline|petrol"
    r"|kerosene|rat poison|(?:dishwasher|laundry) (?:pods?|tablets?)|hydrogen peroxide"
    r"|rubbing alcohol|keep out of reach of children)\b",
    "electrical": r"\b(?:outlets?|sockets?|wires?|wiring|breakers?|fuses?|fuse box|voltage|volts?"
    r"|electrical|extension cords?|power strip|circuit|electric shock|live wire|power cord|frayed"
    r"|plugs?|plugged|unplug(?:ged)?|chargers?|charging cable|cables?|cords?|light switch|sparks?"
    r"|sparking|burning smell|scorch(?:ed)?|adapters?|surge protector|swollen battery"
    r"|leaking battery)\b",
    "medical_image": r"\b(?:x ?rays?|xray|mri|ct scan|ultrasound|sonogram|rash|mole|wound|bruise"
    r"|swollen|swelling|infection|infected|blister|lab results|blood test|test results|blood sugar"
    r"|glucose|blood pressure|thermometer|pregnancy test|covid test|lump|stitches|scab|scar|bites?"
    r"|bug bite|insect bite|hives|eczema|sunburn(?:t|ed)?|bleeding|pus|ecg|ekg|pulse ox(?:imeter)?"
    r"|oxygen (?:level|saturation)|medical (?:report|results)|scan results|lesion|wart|cyst"
    r"|inflamed|pink eye|red eye|(?:a )?cut on my)\b",
}
