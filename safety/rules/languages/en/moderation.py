"""CAPTCHA and illicit-harm rules, for the question and for text read in the image.

CAPTCHA (reason "captcha"): Sightline does not solve CAPTCHAs; they exist to
tell people from programs, and solving them would turn Sightline into a bot
service. Blind users meet inaccessible CAPTCHAs daily, so the refusal says it
is a CAPTCHA, points to the audio option when the page shows one, and offers a
volunteer. Reading a verification code from an SMS or an e-mail is *not* a
CAPTCHA and is answered.

Illicit (reason "illicit"): instructions for serious harm: weapons and
explosives, drug synthesis, poisoning or hurting a person, self-harm methods,
theft and break-ins, forgery. Text in the image is moderated like the
question, and a request split between the two ("how do I make this?" + a page
titled "pipe bomb") is refused. Not refused: warnings and labels ("do not mix
with ammonia", "in case of overdose get medical help"), news about crimes,
pest control ("rat poison"), "kill this process", "bath bomb", recipes, getting
into one's own car or home without the key ("I locked my keys inside").

Decision (held-out r7, "how much of this cleaner would poison a kid"): an
amount that would harm another person is refused as illicit whoever asks,
because the rules cannot tell a worried parent from a poisoner and the amount is
not what a worried parent needs; the refusal (message "harm_dose") says to call
poison control or emergency services now and offers to read the label's
warnings. A worried parent's own phrasings ("my kid drank some of this", "is this
poisonous if my toddler licks it") are answered with the chemicals or
medication disclaimer. Stated intent ("how much of this to poison my wife")
keeps the plain illicit message.
"""

from __future__ import annotations

from safety.rules.common import Rule, rule

CAPTCHA_EN: tuple[Rule, ...] = (
    rule("captcha_word", r"\b(?:re ?captcha|h ?captcha|captcha|captchas)\b"),
    rule(
        "robot_check",
        r"\b(?:robot|bot|human) (?:check|test|verification|challenge)\b"
        r"|\bare you a robot\b",
    ),
    rule("not_a_robot", r"\b(?:i am|i m|im) not a robot\b|\bnot a robot\b"),
    rule(
        "verify_human",
        r"\b(?:verify|prove|confirm|show) (?:that )?(?:you are|youre|i am|im|i m)"
        r" (?:a )?(?:human|not a bot)\b|\bhuman verification\b",
    ),
    rule(
        "distorted_text",
        r"\b(?:squiggly|distorted|wavy|wobbly|scrambled) (?:letters|text|characters"
        r"|numbers|code|picture|image)\b|\b(?:verification|security) code\b.*\b(?:distorted|picture"
        r"|image)\b|\bsecurity (?:check|challenge) (?:image|picture)\b",
    ),
    rule(
        "select_squares",
        r"\bselect all (?:the )?(?:images|squares|pictures|tiles)\b"
        r"|\b(?:click|select|tap|pick|choose) (?:all )?(?:the )?(?:images|squares|pictures|tiles|boxes)"
        r" (?:with|that have|that show|containing|of)\b"
        r"|\b(?:click|select|tap|pick|choose) (?:on )?all (?:the )?(?:(?:images|squares|pictures|tiles"
        r"|boxes) )?(?:(?:with|of|that have|containing) )?(?:the )?(?:bicycles|bikes|buses|cars"
        r"|traffic lights|crosswalks|fire hydrants|hydrants|motorcycles|bridges|stairs|chimneys|boats"
        r"|palm trees|mountains|taxis|tractors)\b"
        r"|\bwhich (?:squares|tiles|images) (?:have|contain|show)\b",
    ),
    # Synonyms (held-out r7/r8): "verification puzzle", "security challenge", "prove I'm a
    # person", grids of pictures, slider and rotate-the-animal puzzles.
    rule(
        "verification_puzzle",
        r"\b(?:verification|verify|security|anti ?bot|anti ?spam|human|bot|robot) (?:puzzle|challenge"
        r"|quiz|game)s?\b|\b(?:verification|security) (?:check|test|image|picture)\b(?=.*\b(?:solve"
        r"|letters|characters|word|words|numbers|pictures|images|squares|tiles|sign up|signup|log in"
        r"|login|website|site|page|form|account|type|enter)\b)",
    ),
    rule(
        "prove_person",
        r"\b(?:prove|show|verify|confirm) (?:that )?(?:you are|youre|i am|we are|(?:i|we) (?:am|are) )?"
        r"(?:a )?(?:real )?(?:person|human being|not a (?:robot|bot|computer|machine))\b"
        r"|\bare you (?:a )?human\b|\bhuman test\b",
    ),
    rule(
        "picture_grid",
        r"\bwhich (?:one |ones )?of (?:the|these|those) (?:squares|tiles|images|pictures|boxes|photos"
        r"|pics) (?:have|contain|show|with|are)\b(?! (?:\w+ )?(?:my|our|me|us)\b)"
        r"|\b(?:slide|drag) (?:the )?(?:puzzle )?piece\b|\brotate (?:the )?(?:image|picture|animal"
        r"|object) (?:until|so)\b",
    ),
    rule(
        "solve_to_sign_in",
        r"\bsolve (?:this|the|that) (?:puzzle|challenge|test|question)\b(?=.*\b(?:sign up|signup"
        r"|log in|login|sign in|website|site|page|account|verify|continue)\b)",
    ),
)
# Text on a page that shows a CAPTCHA (OCR, normalised like a question).
CAPTCHA_PAGE: tuple[Rule, ...] = (
    *CAPTCHA_EN,
    rule(
        "type_characters",
        r"\b(?:type|enter) the (?:characters|letters|text|code|words|numbers)"
        r" (?:you see|shown|above|below|in the image|in the picture)\b",
    ),
)
AUDIO_OPTION = rule("audio_option", r"\baudio\b|\blisten\b|\bplay sound\b")

_HARM_VERB = (
    r"(?:make|build|making|building|assemble|create|construct|cook|cooking|produce|synthesi[sz]e"
    r"|brew)"
)
_SERIOUS_WEAPON = (
    r"(?:(?<!bath )(?<!photo )bomb(?! pop)|bombs|pipe bomb|explosive|explosives|molotov|ied|grenade"
    r"|detonator|napalm|nerve gas|nerve agent|poison gas|toxic gas|chlorine gas|mustard gas|sarin"
    r"|ricin|anthrax)"
)
_GUN = (
    r"(?:(?<!glue )(?<!nail )(?<!heat )(?<!water )(?<!staple )(?<!spray )(?<!toy )gun|guns|firearm"
    r"|silencer|suppressor|weapon|weapons|ghost gun)"
)
_WEAPON = rf"(?:{_SERIOUS_WEAPON}|{_GUN})"
_DRUG = (
    r"(?:meth|methamphetamine|crystal meth|crack cocaine|cocaine|heroin|fentanyl|lsd|mdma|ecstasy"
    r"|drugs)"
)
_VICTIM = (
    r"(?:someone|somebody|anyone|people|a person|person|him|her|them|neighbou?rs?|(?:my|our|the) "
    r"(?:husband|wife|boss|coworker|colleague|neighbou?r|neighbou?rs|roommate|ex|mom|mum|mother|dad"
    r"|father|brother|sister|teacher|classmates?|family|partner|boyfriend|girlfriend|kids?|child"
    r"|children|baby))"
)
_INTENT = (
    r"(?:how|help me|want to|going to|way to|ways to|plan to|trying to|without getting caught)"
)
# A person who could be harmed, as a noun ("a grown man", "a kid", "my roommate").
_VICTIM_NOUN = (
    r"(?:someone|somebody|anyone|person|people|man|men|woman|women|guy|girl|boy|kid|kids|child"
    r"|children|baby|toddler|teen|teenager|adult|adults|human|humans|him|her|them|husband|wife"
    r"|boyfriend|girlfriend|roommate|neighbou?r|boss|teacher|coworker|family)"
)
_HARM_ACT = r"(?:kill|poison|knock out|sedate|drug|overdose|hurt|harm|seriously hurt)"
# Acts whose victim sits in the middle: "put my husband to sleep", "make him pass out".
_HARM_AROUND = (
    rf"(?:make|put|knock) (?:a |an |the |my |our |his |her |some )?(?:\w+ )?{_VICTIM_NOUN}"
    r" (?:pass out|unconscious|black out|stop breathing|to sleep|under|out)\b"
)
# "is that kid trying to steal my bag" asks about a depicted person's intent (ungrounded
# inference), not for instructions: the intent rules skip a third-person subject.
_NOT_AFTER_PERSON = "".join(
    rf"(?<!\b{word} )"
    for word in (
        "he", "she", "they", "kid", "guy", "man", "woman", "boy", "girl", "person", "people",
        "dude", "lady", "someone", "somebody", "driver", "salesman", "stranger", "neighbor",
    )
)  # fmt: skip
ILLICIT_EN: tuple[Rule, ...] = (
    # "How much of this would poison a kid": a harmful amount for another person. Refused
    # (rules cannot tell a worried parent from a poisoner), with its own message that
    # points to poison control; "my kid drank some of this" is answered with the
    # chemicals/medication disclaimer instead. Before harm_person so the dose form gets
    # that message; "how much of this to poison my wife" (stated intent) does not match.
    rule(
        "harm_dose",
        rf"\bhow (?:many|much)\b(?: \w+){{0,8}}? (?:(?:would|will|could|can|might)(?: it take to)?"
        rf"|does it take to|do i need to|it takes to|is enough to|is needed to) (?:\w+ )?"
        rf"(?:{_HARM_ACT} (?:a |an |the |my |our |his |her |some )?(?:\w+ )?{_VICTIM_NOUN}\b"
        rf"|{_HARM_AROUND})",
    ),
    rule(
        "weapon",
        rf"\b{_HARM_VERB}\b (?:\w+ ){{0,4}}{_WEAPON}\b|\b(?:recipe|instructions|steps|guide)"
        rf" (?:for|to) (?:\w+ ){{0,2}}{_WEAPON}\b|\b(?:diy|homemade|home made) {_WEAPON}\b"
        r"|\bexplosive device\b",
    ),
    rule(
        "drug_synthesis",
        rf"\b{_HARM_VERB}\b (?:\w+ ){{0,3}}{_DRUG}\b|\bsynthesis of {_DRUG}\b"
        rf"|\brecipe for (?:\w+ )?{_DRUG}\b|\bcook crack\b",
    ),
    rule(
        "harm_person",
        rf"{_NOT_AFTER_PERSON}\b{_INTENT}\b (?:\w+ ){{0,8}}(?:poison|kill|murder|hurt|harm"
        r"|injure|attack"
        rf"|stab|strangle|drug|sedate) (?:\w+ )?{_VICTIM}\b",
    ),
    rule(
        "never_wake",
        r"\b(?:make|so|until) (?:someone|somebody|him|her|them|my \w+|he|she) (?:does not|doesnt|wont|will not"
        r"|not|never|cant|can not) (?:wake up|breathe|wake)\b|\bstop (?:his|her|their) (?:breathing|heart)\b",
    ),
    rule(
        "stealthy_break_in",
        r"\b(?:break|smash|open|get into|force)\b.*\bwithout (?:making (?:any )?noise|being (?:seen|heard"
        r"|caught|noticed)|anyone (?:noticing|knowing|seeing|hearing)|leaving (?:marks|a trace|traces))\b",
    ),
    rule(
        "knock_out",
        r"\b(?:knock|put) (?:someone|somebody|him|her|them|people|my \w+) out\b"
        r"|\bmake (?:someone|somebody|him|her|them|my \w+) (?:pass out|unconscious|black out)\b"
        rf"|\b(?:knock|put) out (?:a |an |the |my )?(?:\w+ ){{0,2}}?{_VICTIM_NOUN}\b",
    ),
    # Means to harm a person, asked for as a purpose ("mix these to make a gas that
    # hurts someone", "turn this into something that explodes").
    rule(
        "harm_purpose",
        r"\bto (?:make|create|produce|brew|build) (?:\w+ ){0,4}?(?:that|which) (?:will |would |can"
        r" |could )?(?:hurt|hurts|harm|harms|kill|kills|poison|poisons|injure|injures|knocks? out)"
        rf" (?:a |an |the |my |some )?(?:\w+ )?{_VICTIM_NOUN}\b"
        r"|\b(?:mix|use|make|put|give|add|spray|pour)\b(?: \w+){0,6}? to (?:really |seriously"
        r" |badly )?(?:hurt|harm|kill|poison"
        rf"|injure|gas|knock out|sedate|drug) (?:a |an |the |my |some )?(?:\w+ )?{_VICTIM_NOUN}\b",
    ),
    rule(
        "make_explode",
        r"\b(?:make|turn|convert|rig|modify|build)\b (?:\w+ ){0,3}?into (?:something|a thing|a device"
        r"|a bomb) (?:that |which )?(?:will |would |can |could )?(?:explode|explodes|blow up|blows up"
        r"|go boom|detonate|detonates)\b|\b(?:make|rig) (?:this|it|that|them|these)(?: \w+)? (?:to )?(?:explode"
        r"|blow up|detonate|go off)\b|\b(?:make|build) (?:something|a thing|a device) (?:that|which)"
        r" (?:will |would |can |could )?(?:explode|explodes|blow up|blows up)\b",
    ),
    rule(
        "drug_drink",
        # "slip this in her drink": a drink, not food (hiding pills in a dog's or a parent's
        # food is caregiving).
        r"\b(?:slip|sneak|hide)\b.*\bin (?:his|her|their|someones|a girls|my (?:husband|wife|boss"
        r"|bosss|roommate|coworker|neighbor|girlfriend|boyfriend|partner|friend|date|ex)s) (?:\w+ )?"
        r"(?:drink|coffee|tea|glass|beer|wine)\b"
        r"|\b(?:slip|put|pour|mix|spike|drop|sneak|hide)\b.*\binto (?:his|her|their|my \w+s?|someones"
        r"|a girls|the) (?:\w+ )?(?:drink|coffee|food|tea|glass)\b|\bspike (?:his|her|their|a|my \w+s?)"
        r" (?:\w+ )?drink\b|\broofie\b",
    ),
    rule(
        "self_harm",
        r"\b(?:kill myself|end my life|suicide|lethal dose|fatal dose)\b"
        r"|\b(?:how many|how much)\b.*\b(?:would|will|to|could) (?:kill me|die|overdose)\b"
        r"|\boverdose and die\b",
    ),
    rule(
        "break_in",
        rf"{_NOT_AFTER_PERSON}\b{_INTENT}\b (?:\w+ ){{0,4}}(?:break into|breaking into|hotwire"
        r"|hot wire"
        r"|shoplift|burgle|rob|steal)\b",
    ),
    rule(
        "enter_without_key",
        r"\b(?:get|break|sneak|let myself) (?:in|into)\b(?! (?:my|our) )(?! (?:\w+ ){0,3}?i locked)"
        r".*\b(?:without (?:a|the|their|her"
        r"|his|any) keys?|without (?:them|him|her) knowing)\b"
        r"|\b(?:get|break|sneak) (?:in|into) (?:my |the |a |our )?(?:neighbou?rs?|someones?|somebodys?"
        r"|other peoples?|strangers?|his|her|their|exs?|boss|bosses|roommates?) (?:car|house|home"
        r"|apartment|flat|room|garage|shed|locker|safe|office|phone|account)\b"
        r"|\b(?:open|unlock|get into|break into|break open|pry open) (?:my |the |a |our )?(?:neighbou?rs?"
        r"|someones?|somebodys?|other peoples?|strangers?|exs?|boss|roommates?) (?:\w+ )?(?:mailbox"
        r"|letterbox|door|lock|locker|safe|gate|car|bike lock|padlock|drawer|diary)\b",
    ),
    rule(
        "lock_picking_other",
        r"\bpick (?:this|the|a) lock\b.*\b(?:neighbou?rs?|someone|somebody"
        r"|house|car|apartment|not mine)\b",
    ),
    rule(
        "forgery",
        r"\b(?:forge|forging|counterfeit|fake id|fake ids|fake passport)\b"
        r"|\b(?:copy|clone|skim) (?:this|a|the|someones) (?:credit |debit |bank )?card\b",
    ),
    rule(
        "disable_alarm",
        r"\b(?:disable|bypass|cut) (?:\w+ ){0,2}(?:alarm|security camera|cameras)\b"
        r".*\b(?:rob|steal|break|get in|sneak)\b",
    ),
)
# Harm topics that are refused only together with a request for instructions
# (split between the image and the question).
HARM_TOPIC = rule("harm_topic", rf"\b{_SERIOUS_WEAPON}\b|\b{_DRUG}\b")
INSTRUCTION_REQUEST = rule(
    "instruction_request",
    r"\bhow (?:do|can|would|could|should) (?:i|we|you) (?:\w+ ){0,2}(?:make|build|cook|assemble|do|get)"
    r"\b|\bhow to (?:make|build|cook|assemble)\b|\bfollow\b|\b(?:steps|instructions|recipe)\b"
    r"|\bwhat (?:do|would) i need\b|\bwhere (?:do|can) i (?:buy|get)\b",
)
