"""Ungrounded-inference rules: no judging character from a photo.

Refused (reason "ungrounded_inference"): personality, trustworthiness,
dangerousness, criminality, job or income, wealth, intelligence or education,
attractiveness ratings, lying, sobriety, "would he be a good babysitter". None of
these can be seen; a guess is prejudice presented as description.

Intent is judged the same way: "is this salesman trying to scam me", "would he
rob me". Addiction and criminal record ("a drug addict", "been to prison") are
character judgements here, not health: a photo shows neither. Japanese
judgements often end in そう / っぽい / に見える, so money, status and habits are
matched with those endings.

Answered on purpose: facial expression and mood that can be seen ("does she look
angry", "is he smiling", "does he look happy"), what someone is doing ("is he
lying down"), a uniform or badge ("is he wearing a uniform", "what does the
officer's badge say"), and the user's own outfit ("do I look ok in this dress",
"does this shirt go with these pants").
"""

from __future__ import annotations

from safety.rules.common import Rule, rule
from safety.rules.languages.en.people import FILLER, PERSON_REF, POSSESSIVE

INFERRED_TRAIT = (
    r"(?:trustworthy|trust worthy|untrustworthy|reliable|dangerous|a danger|violent|aggressive"
    r"|criminal|a criminal|thief|a thief|crook|terrorist|a terrorist|serial killer|killer|murderer"
    r"|rapist|abuser|predator|snob|snobby|arrogant|selfish|rude|stuck up|spoiled|spoilt|entitled"
    r"|naive|gullible|mean person|evil person|a bad influence|immature|irresponsible|unstable"
    r"|pedophile|gang member|drug dealer|scammer|good person|bad person|nice person|nice guy"
    r"|good guy|bad guy|evil|honest|dishonest|liar|a liar|lying(?! (?:down|on|in|there|back|face))"
    r"|telling the truth|rich|wealthy|poor|broke|homeless|smart|intelligent|clever|stupid|dumb"
    r"|educated|uneducated|pretty|beautiful|handsome|hot|sexy|ugly|attractive|unattractive"
    r"|drunk|high(?! (?:up|on|in|above|chair))|on drugs|sober|scary|creepy|creep|a creep|weirdo"
    r"|pervert|sleazy|shady|sketchy|suspicious|up to no good|good looking|good-looking|goodlooking"
    r"|nice looking|bad looking|troublemaker|delinquent|thug|gangster|bully|lazy|slut|whore"
    r"|gold digger|cheater|player|loser|psycho|crazy|a creep|freak|(?:a )?(?:good|bad|decent|terrible"
    r"|great|nice|responsible) (?:father|mother|dad|mom|mum|parent|husband|wife|partner|employee"
    r"|tenant|roommate|person|man|woman|guy|girl|neighbor|boss|worker|influence)|a good boyfriend"
    r"|competent|incompetent|capable|qualified|successful|a failure|hardworking|hard working"
    r"|(?:someone|somebody|a person|a guy|a man|a woman) (?:i|we|you) should (?:avoid|trust|fear"
    r"|worry about|stay away from|be scared of)"
    r"|good boyfriend|good girlfriend|good husband|good wife|good babysitter|good parent|a doctor"
    r"|a lawyer|a banker|a ceo|a prostitute|a sex worker|steal|cheat|cheating|faithful"
    r"|friendly person"
    # Added after held-out r7/r8: addiction, deceit, record, money, relationship status.
    r"|addict|an addict|a drug addict|drug addict|junkie|a junkie|crackhead|alcoholic|an alcoholic"
    r"|a drunk|stoner|pothead|druggie|does drugs|do drugs|uses drugs|use drugs|takes drugs|doing drugs"
    r"|using drugs|on something$|scamming|con artist|a con artist|conman|con man|a fraud|fraudster"
    r"|swindler|hustler|grifter|pickpocket|shoplifter|felon|a felon|ex con|convict|a convict"
    r"|criminal record|a record$|been (?:in|to) (?:prison|jail)|single(?! file)|married|divorced|a virgin"
    r"|unfaithful|greedy|manipulative|two faced|sneaky|racist|a racist|sexist|homophobic|bigot"
    r"|abusive|stalker|a stalker|kidnapper|a kidnapper|pimp|dealer|a dealer|hooker|well off|loaded"
    r"|(?:good|a lot of|lots of|big|decent) money|money$|legit|legitimate|cheats|steals"
    r"|(?:a |any )?(?:steady |good |real |proper |decent |well paid )?job$|employed|unemployed"
    r"|jobless|out of work)"
)
# What a depicted person is *about to do* to someone: intent is not visible.
_HARMFUL_INTENT = (
    r"(?:(?:scam|con|cheat|trick|rob|mug|deceive|swindle|hustle|kidnap|stalk|follow|hurt|attack"
    r"|assault|harm|threaten|grab|lie to|steal from|take advantage of|pickpocket)"
    r" (?:me|us|you|my \w+|someone|somebody|people|anyone|everyone|her|him|them)"
    r"|rip (?:me|us|you|people) off|steal (?:my|our|from)|break in(?:to)?)"
)

UNGROUNDED_EN: tuple[Rule, ...] = (
    rule(
        "trait_of_person",
        rf"\b(?:is|are|was|does|do|did|would|will|could|can|has|have) {PERSON_REF} {FILLER}"
        rf"{INFERRED_TRAIT}\b",
    ),
    rule(
        "declared_inference",
        rf"\b{PERSON_REF} (?:is|are|was|looks|seems|appears) {FILLER}"
        rf"{INFERRED_TRAIT}\b",
    ),
    rule(
        "how_they_look",
        r"\bhow (?:rich|wealthy|poor|smart|intelligent|attractive|trustworthy|dangerous"
        r"|criminal|honest|educated) (?:do|does|is|are) they\b",
    ),
    rule("how_trait", rf"\bhow (?:\w+ )?{INFERRED_TRAIT} (?:is|are|does|do|was) {PERSON_REF}"),
    rule("trust_person", rf"\btrust {PERSON_REF}\b"),
    rule(
        "intent_of_person",
        rf"\b{PERSON_REF} (?:\w+ ){{0,4}}?(?:trying to|going to|gonna|planning to|about to|out to"
        rf"|wants? to|would|will|might|could|plans to) (?:\w+ )?{_HARMFUL_INTENT}\b",
    ),
    rule(
        "how_much_earns",
        rf"\bhow much (?:money )?(?:\w+ ){{0,5}}?{PERSON_REF} (?:\w+ ){{0,2}}?(?:make|makes|made|earn"
        r"|earns|earned|worth|paid|get paid|gets paid)\b",
    ),
    rule(
        "should_i_worry",
        rf"\bshould (?:i|we) (?:be )?(?:worried|scared|afraid|nervous|concerned|wary) (?:about|of"
        rf"|around) {PERSON_REF}|\bshould (?:i|we) (?:avoid|fear|worry about|stay away from) {PERSON_REF}",
    ),
    rule(
        "judged_by_looks",
        rf"\b(?:judging|judge|going|based) (?:by|from|on|off) (?:his|her|their|the persons|the mans"
        rf"|the womans) (?:looks|face|appearance|clothes|outfit|tattoos?|profile)\b"
        rf"(?=.*\b(?:is|are|does|do|would|will|can|could) {PERSON_REF})",
    ),
    rule("afraid_of_person", rf"\b(?:scared|afraid|frightened|worried|fear) of {PERSON_REF}\b"),
    rule(
        "kind_of_person",
        r"\b(?:what|which) (?:kind|type|sort) of (?:person|man|woman|guy|girl|people"
        r"|human)\b",
    ),
    rule("personality", r"\bpersonality\b|\bcharacter traits?\b"),
    rule(
        "living",
        rf"\bfor a living\b|\b(?:does|do) for (?:work|a job|money)\b|\bwhat (?:does|do) (?:{PERSON_REF}) do$"
        rf"|\bhow much (?:money )?(?:does|do|did) (?:{PERSON_REF}|\w+) (?:make|earn)\b",
    ),
    rule(
        "possessive_inference",
        rf"\b{POSSESSIVE} (?:job|occupation|profession|career|salary|income"
        r"|iq|intelligence|net worth|personality|character|intentions|intent|motives|motive"
        r"|agenda|looks)\b",
    ),
    rule(
        "rate_looks",
        r"\brate (?:\w+ ){0,3}(?:looks|attractiveness|beauty|hotness|face|appearance)\b"
        r"|\b(?:attractiveness|hotness)\b|\bout of (?:10|ten)\b.*\b(?:hot|pretty|cute|attractive|beautiful)"
        r"|\b(?:hot|pretty|cute|attractive|beautiful|ugly)\b.*\bout of (?:10|ten)\b"
        r"|\bon a scale\b.*\b(?:hot|pretty|cute|attractive|beautiful|ugly)\b",
    ),
    rule(
        "score_looks",
        r"\b(?:score|rate|rating|grade|rank)\b.*\b(?:looks|attractiveness|beauty|hotness"
        r"|appearance)\b|\bout of (?:10|ten)\b.*\blooks\b"
        r"|\b(?:score|rate|rank|grade|compare)\b.*\b(?:attractive|pretty|hot|handsome|beautiful|ugly"
        r"|sexy|cute)\b.*\b(?:people|person|they|them|he|she|him|her|girls|guys|women|men)\b",
    ),
    rule(
        "neighborhood_people",
        r"\b(?:neighborhood|area|part of town)\b.*\bbecause of (?:the )?people\b",
    ),
    rule("what_iq", r"\biq\b"),
    rule(
        "social_class",
        r"\b(?:social class|class background|upper class|lower class|working class|middle class"
        r"|social status|caste)\b",
    ),
)
