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
"""

from __future__ import annotations

from safety.rules.common import (
    PERSON_JA,
    PERSON_NOUN,
    PERSON_NP,
    PERSON_PRONOUN,
    PERSON_REF,
    POSSESSIVE,
    Rule,
    alternatives,
    rule,
)
from safety.rules.names_lexicon import CELEBRITIES, FIRST_NAMES

_RELATION = (
    r"(?:husband|wife|son|daughter|mom|mum|mother|dad|father|brother|sister|grandma"
    r"|grandmother|grandpa|grandfather|aunt|uncle|cousin|boyfriend|girlfriend|partner|friend"
    r"|boss|nephew|niece|grandson|granddaughter|fiance|fiancee|ex)"
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
        rf"\bwhich (?:one )?of (?:my|our|the|these|those) (?:\w+ )?{PERSON_NOUN}s? (?:is|are)\b",
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
        r"|twitter|tiktok|socials)\b",
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
)

IDENTITY_JA: tuple[Rule, ...] = (
    # 誰 / だれ / どなた, but not "誰から" (from whom), "誰宛" (to whom), "誰が書いた".
    # 誰か (someone) and 誰も (nobody) are not "who".
    rule(
        "who_ja",
        r"(?:誰|だれ|どなた)(?!か[をにがとのへ]|も|から|宛|あて|へ|が書|の本|の作品|に送|が作)",
    ),
    rule("name_ja", rf"{PERSON_JA}の(?:名前|氏名|フルネーム)"),
    rule("celebrity_ja", r"有名人|有名な人|有名な方|芸能人|セレブ|俳優|女優|歌手|政治家|アイドル"),
    rule("same_person_ja", r"同じ人|同一人物"),
    rule("true_identity_ja", r"正体|身元|素性"),
    rule(
        "profile_ja", r"(?:インスタ|フェイスブック|sns|プロフィール|ツイッター).*(?:探|調べ|見つけ)"
    ),
    rule("face_recognition_ja", r"顔(?:を|で)?(?:認識|認証|特定|判別)|人物を特定"),
    rule(
        "is_this_name_ja", r"[一-龥ァ-ヶー]{1,6}(?:さん|様|くん|君|ちゃん|氏)(?:です|でしょう|か)"
    ),
)
