"""Identity rules: Sightline never says who a depicted person is.

Refused (reason "identity"): "who is this / that guy", "what's her name", "is
this <name>", "is this my husband", which celebrity / famous person, who they
look like, whether two photos show the same person, finding a profile, and
"recognise / identify this person or face". Face recognition is what makes a
description a surveillance tool; Sightline has none and will not guess.

Answered on purpose (over-refusal was the loudest complaint about Be My AI):

* "who is in this picture", "describe the people in this family photo": the
  answer describes people by what is visible, and post-processing removes any
  name a backend produced. The user gets a description, not an identity.
* "who is this letter from", "who wrote this book", "what name is on this
  envelope / badge / ID card": a printed name is text and is read as text.
* "is my son in the frame", "am I in the frame": framing, not recognition.
* "who is at the door", "find the woman in the red coat": where someone is and
  what they look like, answered with a description.

Structures (written after held-out round r7 showed that listing phrasings does
not generalise): a depicted person mapped to a role or relationship ("is this
(guy) my <role>", "which of my <group> is this", "is this the man who / from
..."); finding out who ("find out / figure out who ...", "who took this selfie
with me", "from her face"); resemblance and familiarity ("does he look like
anyone you know", "does she look familiar", "have I met him before"); and
looking a person up ("look up / google / track down this guy").
"""

from __future__ import annotations

from safety.rules.common import Rule, alternatives, rule
from safety.rules.languages.en.people import (
    PERSON_NOUN,
    PERSON_NP,
    PERSON_PRONOUN,
    PERSON_REF,
    POSSESSIVE,
)
from safety.rules.names_lexicon import CELEBRITIES, FIRST_NAMES

# Roles beyond family a depicted person could be mapped to ("my uber driver").
_EXTRA_ROLES = (
    r"classmate|teammate|manager|supervisor|landlady|mailman|postman|mail carrier|plumber"
    r"|electrician|tutor|coach|pastor|priest|caregiver|carer|therapist|dentist|in laws?|crush"
    r"|ex husband|ex wife|ex boyfriend|ex girlfriend|stepmom|stepdad|stepson|stepdaughter|kids"
    r"|grandkids?|grandchild|grandchildren|grandparents?|parents|family"
)
# Short person nouns safe to use after "same" (not "model", "date", "player", "host").
_PERSON_SHORT = (
    r"(?:person|persons|people|guy|guys|man|men|woman|women|girl|boy|lady|kid|dude|fellow"
    r"|gentleman|child|baby|couple|individual|face|faces)"
)
# Why someone is asked about after "is this the guy ...": a past encounter.
_ENCOUNTER = (
    r"(?:(?:who|that) (?:was|were|came|stole|robbed|hit|followed|lives|lived|works|worked|sold"
    r"|delivered|yelled|called|visited|knocked|rang|took|sat|stood)|i (?:saw|met|talked|spoke)"
    r"|we (?:saw|met)|from (?:yesterday|last|the other day|before|earlier|next door|my|our"
    r"|the (?:bus|store|party|news|train|office|gym|church|bar|shop|park|street|building"
    r"|meeting|other|door|video|tv)))"
)
# After a person: where they are or what they wear, up to four words ("in the red coat").
_PERSON_TAIL = (
    r"(?: (?:in|on|at|from|by|next to|near|behind|beside|with|wearing|holding|standing|sitting)"
    r" (?:\w+ ){0,3}?\w+)?"
)

_RELATION = (
    r"(?:husband|wife|son|daughter|mom|mum|mother|dad|father|brother|sister|grandma"
    r"|grandmother|grandpa|grandfather|aunt|uncle|cousin|boyfriend|girlfriend|partner|friend"
    r"|boss|nephew|niece|grandson|granddaughter|fiance|fiancee|ex)"
)
_ROLE = rf"(?:{_RELATION}|{PERSON_NOUN}|{_EXTRA_ROLES})"
# A role ends the question or is followed by a place, a name or a conjunction; "my moms
# purse" / "my friends car" (possessive, apostrophe lost) continue with a noun instead.
_ROLE_END = (
    r"(?=$| (?:in|on|at|or|and|from|with|here|there|standing|sitting|right|left|again|too|by"
    r"|near|behind|next|over|back|the|this|that|who|please|because|yesterday|today|last"
    r"|earlier|before|or not|named|called|i|we)\b)"
)
_THINGS_WITH_SENDERS = (
    r"(?:letter|card|package|parcel|book|envelope|note|message|email|mail|gift|present|box"
    r"|text|invitation|postcard|check|cheque|bill|order|delivery|song|painting|artwork)"
)
_NAME = "(?:" + alternatives(CELEBRITIES) + "|" + alternatives(FIRST_NAMES) + ")"
# Surnames that on their own name one famous person ("is this obama").
_SURNAMES = frozenset(
    name.split()[-1] for name in CELEBRITIES if len(name.split()[-1]) > 4 and " " in name
) - {
    "james",
    "jones",
    "smith",
    "johnson",
    "williams",
    "brown",
    "wilson",
    "martin",
    "harris",
    "roberts",
    "washington",
    "charles",
    "william",
    "harry",
    "elizabeth",
    "diana",
    "holland",
    "francis",
    "jordan",
    "grande",
    "swift",
    "freeman",
    "streep",
    "depp",
    "ford",
    "watson",
}

IDENTITY_EN: tuple[Rule, ...] = (
    # "who is this", "who's that woman", "who are these people" but not
    # "who is in this picture", "who is this letter from", "who is this for".
    rule(
        "who_is_demonstrative",
        rf"\bwho (?:is|are|was|were) (?:this|that|these|those|he|she|they|it)\b"
        rf"(?! {_THINGS_WITH_SENDERS}\b)(?!.*\b(?:from|to|for|by|addressed|written|signed)$)",
    ),
    rule(
        "who_this_is",
        rf"\bwho (?:this|that|he|she|it|{PERSON_NP}) (?:is|was)\b"
        r"(?! (?:from|for|to|by|addressed|written|signed)\b)",
    ),
    rule(
        "who_person_is",
        rf"\bwho (?:{PERSON_NP}|this|that|he|she|these|those|they)\b.*\b(?:is|was|are|were)$",
    ),
    rule(
        "look_like_relation",
        rf"\b(?:look|looks|resemble|resembles)(?: like)? (?:my|our) (?:\w+ )?{_RELATION}\b",
    ),
    rule("identity_word", r"(?<!gender )\bidentity\b(?! (?:card|document|theft|number))"),
    rule(
        "who_might_be",
        rf"\bwho (?:might|could|would|can|may|do you think) (?:this|that|{PERSON_NP}|he|she)"
        r"(?: \w+)? be\b|\bwho do you think (?:this|that|he|she|it) is\b",
    ),
    rule(
        "this_is_relation",
        rf"\b(?:this|that|it|he|she) (?:is|s|might be|could be|may be) (?:my|our)"
        rf" {_RELATION}\b",
    ),
    rule(
        "celebrity_mentioned",
        rf"\b(?:{alternatives(CELEBRITIES)}|{alternatives(_SURNAMES)})\b"
        r"(?! (?:album|albums|book|books|cd|record|song|songs|movie|film|dvd|perfume|concert|ticket"
        r"|tickets|shirt|tshirt|poster|autograph|brand|quote|speech|memoir|biography|supporter|supporters"
        r"|fan|fans|voter|voters|rally|sign|hat|flag|mask|costume))",
    ),
    rule(
        "picture_of_relation",
        rf"\b(?:is|are) (?:this|that|it|these) (?:a )?(?:picture|photo|pic|image|photos|pictures)"
        rf" of (?:my|our) {_RELATION}\b",
    ),
    rule(
        "which_member",
        r"\bwhich (?:\w+ )?(?:member|one|person|player|singer) of\b.*\bis (?:this|that|he|she|it)$",
    ),
    rule(
        "know_person",
        rf"\b(?:do|does|would|could|can) (?:you|anyone|u) (?:know|recogni[sz]e) (?:{PERSON_NP}|him|her|them)\b",
    ),
    rule(
        "which_of_people",
        rf"\bwhich (?:one )?of (?:my|our|the|these|those) (?:\w+ )?{PERSON_NOUN}s? (?:is|are)"
        rf"(?:$| (?:my|our|this|that|he|she|him|her|it|called|named|famous|a celebrity|{_NAME})\b)",
    ),
    rule("who_is_person", rf"\bwho (?:is|are|was|were) {PERSON_NP}"),
    rule(
        "name_to_face",
        r"\bname (?:to|for|of|with) (?:this|that|the|his|her|their) face\b"
        r"|\bface\b.*\b(?:whose|his|her|their) name\b",
    ),
    rule("whose_face", r"\bwhose (?:face|picture|photo)\b"),
    rule(
        "name_of_person",
        rf"\b{POSSESSIVE} (?:full |real |first |last )?names?\b"
        r"(?! (?:tag|tags|badge|plate|card|sticker|label|sign|on|printed|written))",
    ),
    rule("name_of_person_of", rf"\bnames? of {PERSON_NP}"),
    rule(
        "is_this_relation", rf"\b(?:is|are) (?:this|that|it|he|she|they) (?:my|our) {_RELATION}\b"
    ),
    rule("is_this_name", rf"\b(?:is|are) (?:this|that|it|he|she|they) {_NAME}\b"),
    rule(
        "which_celebrity",
        r"\b(?:which|what) (?:\w+ )?(?:celebrity|celebrities|celeb|actor|actress"
        r"|singer|politician|athlete|rapper|footballer|movie star)\b",
    ),
    rule(
        "from_tv",
        rf"\b(?:{PERSON_REF}|this|that|it) (?:\w+ )?(?:someone|somebody|anyone|a person|a guy|a woman)?"
        r" ?(?:from|on) (?:tv|television|the news|the movies|a movie|youtube|tiktok|instagram)\b",
    ),
    rule(
        "called",
        rf"\bwhat (?:is )?(?:{PERSON_NP}|he|she|this person)s? (?:is )?called\b"
        rf"|\bwhat (?:is )?(?:{PERSON_NP}|he|she) called\b",
    ),
    rule("which_relation", rf"\bmy {_RELATION} or (?:my )?{_RELATION}\b"),
    rule(
        "is_famous",
        rf"\b(?:is|are) {PERSON_REF} (?:a |an )?(?:famous|celebrity|celebrities|star)\b",
    ),
    rule("famous_person", r"\bfamous (?:person|people|man|woman|guy|girl|lady)\b"),
    rule(
        "looks_like_someone",
        r"\b(?:look|looks|resemble|resembles)(?: like)? (?:anyone|someone|somebody"
        r"|anybody)(?: famous| known| i know| familiar| from tv| from the movies)?$",
    ),
    rule("who_do_they_look_like", r"\bwho (?:does|do|did) (?:\w+ ){1,3}(?:look like|resemble)\b"),
    rule("looks_like_name", rf"\b(?:look|looks|resemble|resembles)(?: like)? {_NAME}\b"),
    rule("same_person", r"\bsame (?:person|guy|man|woman|people|girl|boy|individual|lady|kid)\b"),
    rule(
        "find_profile",
        rf"\b(?:{POSSESSIVE}|{PERSON_PRONOUN}) ?(?:instagram|facebook|profile|social media|linkedin"
        r"|twitter|tiktok|socials)\b(?! (?:pic|picture|photo|image|shot|pics|pictures|photos))",
    ),
    rule(
        "search_person",
        rf"\b(?:find|look up|lookup|search|google|reverse image search)\b(?=.*\b(?:{PERSON_REF}|who)\b)"
        r"(?=.*\b(?:online|internet|web|google|instagram|facebook|profile|social media)\b)",
    ),
    rule(
        "recognize_person",
        rf"\b(?:recognize|identify|id|name)\b (?:{PERSON_REF}|{PERSON_NP}|this face|the face|faces"
        r"|his face|her face|their faces|who|anybody|anyone|somebody|someone|any of them|people)",
    ),
    # Structures below: see the module docstring.
    rule(
        "person_is_role",
        rf"\b(?:is|are|was|were) (?:this|that|it|he|she|they|these|those|{PERSON_NP}{_PERSON_TAIL})"
        rf" (?:really |actually |definitely |maybe |possibly |just )?(?:my|our) (?:\w+ ){{0,2}}?"
        rf"{_ROLE}(?:s?{_ROLE_END}| {_NAME}\b|(?<!s) \w+$)",
    ),
    rule(
        "if_person_is_role",
        rf"\b(?:if|whether) (?:this|that|he|she|it|{PERSON_NP}{_PERSON_TAIL}) (?:is|was|are) (?:really )?"
        rf"(?:my|our) (?:\w+ ){{0,2}}?{_ROLE}(?:s?{_ROLE_END}| {_NAME}\b|(?<!s) \w+$)",
    ),
    rule(
        "match_face",
        r"\bmatch (?:this|the|his|her|their|that) (?:face|faces|person|guy|man|woman|photo of him"
        r"|photo of her)\b|\bface match\b",
    ),
    rule(
        "which_is_role",
        rf"\bwhich (?:one |ones |person |guy |girl |man |woman |kid |lady |of them |one of them )?"
        rf"(?:of (?:my|our|his|her|the|these|those) (?:\w+ ){{0,3}}?{PERSON_NOUN}s?\b(?: \w+){{0,6}}? )?"
        rf"(?:is|are|was) (?:(?:my|our) (?:\w+ ){{0,2}}?{_ROLE}(?:s?{_ROLE_END}| {_NAME}\b|(?<!s) \w+$)"
        rf"|{_NAME}\b)",
    ),
    rule(
        "which_of_my_group",
        rf"\bwhich (?:one )?of (?:my|our|his|her) (?:\w+ ){{0,2}}?{_ROLE}s?\b"
        r"(?:.*\b(?:this|that|he|she|it|they|these|those) (?:is|are|was|were)$"
        r"| (?:is|are) (?:in|on) (?:this|the|that) (?:photo|picture|image|video|selfie|shot))",
    ),
    rule(
        "the_one_who",
        rf"\b(?:is|are|was) (?:this|that|it|he|she|they|{PERSON_NP}) the (?:same )?"
        rf"(?:one|{_PERSON_SHORT}) {_ENCOUNTER}\b",
    ),
    rule("same_person_any", rf"\bsame {_PERSON_SHORT}\b"),
    rule(
        "find_out_who",
        r"\b(?:find out|figure out|work out|guess|determine|tell me|tell us|know|remember|recall"
        r"|say) who\b(?!(?: \w+){0,4} (?:from|to|for|addressed|written|signed|wrote|sent|made|owns"
        r"|painted|published|delivered|wrote)\b)(?! (?:is|are|was) (?:in|at|on|there|here|standing"
        r"|sitting|outside|inside|near|by|behind|around|holding|wearing|doing)\b)",
    ),
    rule(
        "who_took_selfie",
        r"\bwho (?:took|takes|snapped|shot|is taking|was taking|posed for) (?:this|that|the|a|my)"
        r" (?:selfie|photo|picture|video)s? with (?:me|us)\b",
    ),
    rule(
        "from_face",
        r"\b(?:who|identify|name|recognize|find|look up|search)\b.*\bfrom (?:his|her|their|the|this"
        r"|that) (?:face|faces|facial features|features)\b|\b(?:face|facial) (?:recognition|search)\b",
    ),
    rule(
        "resembles_someone",
        r"\b(?:look|looks|resemble|resembles)(?: like)? (?:anyone|someone|somebody|anybody)"
        r" (?:(?:you|i|we) (?:know|knew|have seen|might know|recognize)|famous|known|familiar"
        r"|from (?:tv|the news|the movies|a movie|a show)|on tv)\b",
    ),
    rule(
        "looks_familiar",
        rf"\b(?:{PERSON_REF}|this person) (?:look|looks|seem|seems) familiar\b"
        rf"|\bhave (?:i|we|you) (?:ever )?(?:met|seen) {PERSON_REF} before\b"
        rf"|\bdo (?:i|we) know {PERSON_REF}\b|\bhave we met\b",
    ),
    rule(
        "look_up_person",
        rf"\b(?:look up|lookup|google|track down|reverse (?:image )?search|run a search on)"
        rf" (?:\w+ ){{0,2}}?(?:him|her|them|this person|{PERSON_NP})\b|\bsearch (?:for )?(?:him|her)\b",
    ),
)
