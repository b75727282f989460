"""English questions about people that the learned stage must never refuse (see
`safety.learned.must_answer`): clothes, expression, what they hold, how many, where,
child or adult; text about a person (who a letter is from); what to do after an
accident at home.

The patterns match the whole question in `safety.normalize.normalize_english` form, so
that "what is he holding" matches but "does the man holding the sign look like a
criminal" does not, and a question that joins a second ask ("... and is he gay",
"... because ...") never matches.
"""

from __future__ import annotations

import re

_WHO = (
    r"(?:he|she|they|it|you|i|we|everyone|everybody|anyone|anybody|someone|somebody"
    r"|the people|people|(?:the|this|that|my|our|your|his|her|these|those) (?:\w+ ){0,4}\w+)"
)
_VISIBLE = (
    r"(?:wearing|wear|dressed|dressed in|have on|has on|got on|holding|hold|carrying|carry"
    r"|doing|eating|drinking|reading|playing|pointing at|looking at|facing|smiling|laughing"
    r"|crying|frowning|sitting|standing|asleep|awake|sleeping|waving|walking|running|using"
    r"|on the phone|in line|in a wheelchair)"
)
_FEELING = (
    r"(?:happy|sad|angry|upset|tired|sleepy|surprised|worried|scared|afraid|calm|bored|excited"
    r"|annoyed|confused|relaxed|nervous|wet|in pain|hurt|serious|busy)"
)
_CLOTHES = (
    r"(?:shirt|t shirt|tshirt|jacket|coat|dress|hat|cap|shoes|uniform|helmet|glasses|sunglasses"
    r"|mask|tie|scarf|headscarf|jeans|trousers|pants|skirt|sweater|hoodie|clothes|clothing"
    r"|outfit|costume|hair|hairstyle|makeup|necklace|ring|watch|bag|backpack|badge|name tag)"
)
# What may follow the ask: a short object or place ("an umbrella", "at the bus stop"), never a
# second ask ("... and is he gay", "... look like a criminal").
_EXTRA = (
    r"(?: (?!and\b|because\b|but\b|so\b|if\b|since\b|whether\b|look\b|looks\b|seem\b"
    r"|seems\b|appear\b|appears\b|like\b|be\b|is\b|are\b)\w+){0,5}"
)
_NOT_AFTER = r"(?!.*\b(?:from|born|come from|live|lives|vote|votes|believe|worship)\b)"

MUST_ANSWER_EN = tuple(
    re.compile(pattern)
    for pattern in (
        # what is she wearing / what colour is his shirt / what are the kids doing
        rf"^{_NOT_AFTER}(?:what|which)(?: \w+){{0,2}} (?:is|are|was|s) {_WHO} {_VISIBLE}{_EXTRA}$",
        rf"^(?:what|which) (?:colou?r|kind|type|style)(?: of)?(?: \w+)? (?:is|are) "
        rf"(?:his|her|their|my|the \w+s?) {_CLOTHES}{_EXTRA}$",
        # is he wearing glasses / are they holding hands / is my son wearing his helmet
        rf"^{_NOT_AFTER}(?:is|are|was|were|does|do|did) {_WHO} {_VISIBLE}{_EXTRA}$",
        # does she look happy / is the baby asleep / does he look tired or angry
        rf"^(?:is|are|does|do) {_WHO}(?: look| looking| seem| appear)? {_FEELING}"
        rf"(?: or {_FEELING})?{_EXTRA}$",
        rf"^what (?:is|s) (?:his|her|their|the \w+s?) (?:facial )?(?:expression|mood|face)"
        rf"{_EXTRA}$",
        # how many people / how many of us are in the shot
        rf"^how many (?:people|persons|kids|children|men|women|faces|adults|of us|of them"
        rf"|guys|girls|boys|babies|customers|players|students) (?:are|is|were|can|do you see"
        rf"|in|on|at|standing|sitting|waiting|there){_EXTRA}$",
        # is there someone behind me / is anyone at the door
        rf"^(?:is|are) there (?:a |any )?(?:someone|somebody|anyone|anybody|person|people|kids"
        rf"|children|man|woman)\b{_EXTRA}$",
        # visible aids and coverings: does she have hearing aids in / is he using a cane
        rf"^(?:is|are|does|do) {_WHO} (?:have|has|wearing|using|in|on|got|holding)(?: \w+){{0,2}} "
        rf"(?:wheelchair|hearing aids?|cane|crutch(?:es)?|walker|hijab|headscarf|turban"
        rf"|glasses|sunglasses|mask|cast|bandage|sling)s?"
        rf"(?: (?:in|on|at) (?:the|this|that|his|her|their|my) \w+)?$",
        # text about a person: who is this letter from / whose name is on it / who signed it
        r"^(?:who|whom) (?:is|s) (?:this|the|that) (?:letter|card|package|parcel|note|email"
        r"|message|envelope|gift|present|invitation|bill|box) (?:from|for|addressed to|to)\b"
        r"(?: \w+){0,3}$",
        r"^(?:whose name is (?:on|in)|who (?:signed|wrote|sent) (?:me )?(?:this|the))\b(?: \w+){0,5}$",
        r"^(?:who is|whos|who s) in (?:this|the) (?:picture|photo|image|shot|selfie)$",
        r"^(?:who|whom) (?:is|s) (?:this|it|that) (?:from|for|addressed to|signed by)$",
        r"^whose (?:birthday |christmas |greeting )?(?:card|letter|package|parcel|book|bag|phone"
        r"|keys?|wallet|note|gift|present|mail|post) is (?:this|that|it)$",
        # an accident at home: "my kid drank some of this cleaner, what do i do" needs an answer
        r"\b(?:drank|drunk|swallowed|ate|eaten|spilled|spilt|splashed|inhaled|touched|burned|burnt"
        r"|got (?:some|it))\b.*\bwhat (?:do|should|can) (?:i|we) do\b",
        # is the cashier a man or a woman (the tuning set answers it)
        r"^is (?:he|she|the \w+|this person|that person) a (?:man|woman|boy|girl) or an? "
        r"(?:man|woman|boy|girl)$",
        # where is he / where are the kids standing (not "where is he from")
        rf"^{_NOT_AFTER}where (?:is|are|s) {_WHO}{_EXTRA}$",
        # child or adult; how old does she look
        r"^(?:is|are) (?:\w+ ){0,4}(?:an? )?(?:child|kid|baby|toddler|teenager|teen|minor|boy|girl)s?"
        r" or (?:an? )?(?:adult|grown up|grownup|grown-up)s?\b(?: \w+){0,4}$",
        r"^(?:is|are) (?:\w+ ){0,4}(?:an? )?adults? or (?:an? )?(?:child|kid|teenager|teen|minor)s?"
        r"\b(?: \w+){0,4}$",
        rf"^(?:about |roughly )?how old (?:does|do|is|are) {_WHO} (?:look|seem|appear)"
        rf"{_EXTRA}$",
        # describe the people
        r"^(?:describe|tell me about) (?:\w+ ){0,5}(?:people|person|man|woman|men|women|kids"
        r"|children|crowd|family)(?: in (?:the|this) (?:photo|picture|image))?$",
    )
)
