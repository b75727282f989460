"""Sensitive-trait rules: no guesses about protected or intimate traits.

Refused (reason "sensitive_trait") when asked about a depicted person: race or
ethnicity, religion, sexual orientation, gender identity, health conditions
and disability, pregnancy, political views, and nationality or origin judged
from appearance. Each trait is listed with its everyday paraphrases
("expecting a baby", "a baby bump", "into guys", "on the spectrum", お腹に赤ちゃん),
since a held-out round showed users rarely say "pregnant" or "gay". A photo shows none of these reliably, and a wrong or right
guess can both harm the person shown.

Answered on purpose:

* Visible things stay describable: "is she wearing a hijab", "is he in a
  wheelchair", "does he have a beard", "is it a man or a woman" (perceived
  presentation, as describers and volunteers routinely say), "child or adult",
  "how old does she look" (a rough range).
* The user's own body and health documents get a medical disclaimer instead of
  a refusal ("does this rash look infected", "what does my x-ray show").
* Colours and things named like traits: "is he wearing black", "what race is
  this flyer about", "is this chinese food", "is this japanese writing".
"""

from __future__ import annotations

from safety.rules.common import Rule, rule
from safety.rules.languages.en.people import FILLER, PERSON_NP, PERSON_REF, POSSESSIVE

_RACE = (
    r"(?:black|white|asian|hispanic|latino|latina|latinx|african|african american|caucasian"
    r"|arab|arabic|indian|native american|mixed race|biracial|middle eastern"
)
_NATIONALITY = (
    r"|mexican|chinese|japanese|korean|vietnamese|filipino|thai|russian|jamaican|nigerian"
    r"|italian|irish|german|french|pakistani|american|european|foreign|foreigner|immigrant"
    r"|an immigrant|illegal|gypsy"
)
_RELIGION = (
    r"|muslim|moslem|islamic|jewish|jew|christian|catholic|hindu|buddhist|sikh|mormon|atheist"
    r"|religious"
)
_ORIENTATION = r"|gay|lesbian|homosexual|bisexual|bi|queer|straight"
_GENDER_IDENTITY = r"|trans|transgender|nonbinary|non binary|intersex|transsexual"
_HEALTH = (
    r"|sick|ill|unwell|cancer|autistic|autism|down syndrome|downs|disabled|a disability|disability"
    r"|mentally ill|a mental illness|mental illness|depressed|depression|bipolar|schizophrenic"
    r"|schizophrenia|adhd|hiv|aids|diabetic|diabetes|pregnant|anorexic|dementia|alzheimers"
    r"|retarded|special needs|a disease|disease|an illness|illness|a condition|a syndrome"
    r"|paralyzed|paralysed|handicapped|crippled|blind|deaf|mute|dyslexic|obese|anorexia"
)
# Paraphrases (held-out r7/r8: "is the lady expecting a baby", "is the waiter into guys").
_PREGNANCY = (
    r"|expecting(?= a (?:baby|child|kid)| twins)|expecting(?! (?:a|an|the|someone|somebody|company"
    r"|guests?|visitors?|him|her|them|me|us|my|his|their|to|for|it|that|this|package|delivery"
    r"|call|anyone|anybody|friends?)\b)|having a baby(?! shower)|with child|knocked up|a baby bump"
    r"|baby bump|bun in the oven|pregnancy|in the family way|(?:going to|gonna|about to) have a baby"
    r"|due soon|a mother to be|a mom to be|mom to be|mum to be"
)
_ORIENTATION_PHRASES = (
    r"|into (?:guys|men|girls|women|dudes|boys|chicks|the same sex)|(?:plays?|bats?) for the other team"
    r"|swings? (?:that|both) ways?|closeted|on the down low|likes? (?:guys|men|dudes|women)$"
)
_HEALTH_PHRASES = (
    r"|on the spectrum|chemo|chemotherapy|mentally (?:challenged|disabled|handicapped|slow)"
    r"|learning disab\w*|an eating disorder|eating disorder|hiv positive|terminally ill"
    r"|(?:some kind of |a |any )?(?:learning|developmental|mental|health|medical|behavioral"
    r"|behavioural|speech) (?:problems?|issues?|disorders?|delays?|conditions?)"
    r"|something wrong with (?:him|her|them)|a disorder"
)
_POLITICS = (
    r"|democrat|a democrat|republican|a republican|liberal|conservative|trump supporter"
    r"|maga|leftist|communist|socialist|right wing|left wing)"
)
TRAIT = (
    _RACE
    + _NATIONALITY
    + _RELIGION
    + _ORIENTATION
    + _GENDER_IDENTITY
    + _HEALTH
    + _PREGNANCY
    + _ORIENTATION_PHRASES
    + _HEALTH_PHRASES
    + _POLITICS
)

SENSITIVE_EN: tuple[Rule, ...] = (
    rule(
        "ethnicity_word",
        r"\b(?:ethnicity|ethnicities|ethnic|ethnically|sexual orientation"
        r"|sexuality|gender identity|nationality|nationalities)\b",
    ),
    rule(
        "trait_of_person",
        rf"\b(?:is|are|was|does|do|did|could|might|may|would|can|will) {PERSON_REF} {FILLER}{TRAIT}\b"
        r"(?! (?:shirt|dress|jacket|coat|hat|cap|clothes|top|shoes|pants|hair|outfit|sign|flag))",
    ),
    rule(
        "declared_trait",
        rf"\b{PERSON_REF} (?:is|are|was|looks|seems|appears|has) {FILLER}{TRAIT}\b"
        r"(?! (?:shirt|dress|jacket|coat|hat|cap|clothes|top|shoes|pants|hair|outfit|sign|flag))",
    ),
    rule(
        "trait_question",
        rf"\bwhat (?:race|religion|faith|gender|party) (?:is|are|was) {PERSON_REF}",
    ),
    rule(
        "possessive_trait",
        rf"\b{POSSESSIVE} (?:race|religion|faith|politics|political|ethnic"
        r"|orientation|sexuality|diagnosis|disability|illness|condition|origin|origins|heritage)\b",
    ),
    rule(
        "trait_of_person_noun",
        rf"\b(?:religion|ethnicity|nationality|sexuality|politics|political views|race|skin color)"
        rf" of {PERSON_REF}",
    ),
    rule(
        "country_from",
        rf"\bwhat (?:country|part of the world|continent)\b.*\b(?:{PERSON_REF})\b.*\b(?:from|born)$",
    ),
    rule(
        "trait_topic",
        rf"\bwhat (?:religion|race|ethnicity|ethnic group|nationality|faith|sexuality"
        rf"|political party)\b.*\b(?:{PERSON_REF}|family|they|them|couple|people)\b",
    ),
    rule(
        "skin_colour",
        rf"\b(?:skin (?:color|tone|colour) of {PERSON_REF}|{POSSESSIVE} skin (?:color|tone"
        r"|colour))\b",
    ),
    rule(
        "sex_at_birth",
        r"\bat birth\b|\bassigned (?:male|female)\b|\bbiologically (?:male|female)\b"
        r"|\bbiological (?:sex|gender|man|woman|male|female)\b",
    ),
    rule(
        "changed_gender",
        r"\b(?:man|woman|boy|girl|guy|person) who (?:became|used to be|was born|changed into|transitioned)"
        r"|\bused to be a (?:man|woman|boy|girl|guy)\b|\bsex change\b",
    ),
    rule("born_as", r"\bborn (?:a|as a) (?:man|woman|boy|girl|male|female)\b"),
    rule("identify_as", r"\bidentif(?:y|ies) as\b"),
    rule("vote", rf"\b(?:did|does|do|would|will) {PERSON_REF} vote\b"),
    # "the family next door ... are they arab": "they" is a person only when a person was
    # named before it ("are they white or black" alone is usually about shoes).
    rule(
        "anchored_they",
        rf"\b{PERSON_NP}\b.*\b(?:are|is) (?:they|she|he) {FILLER}{TRAIT}\b"
        r"(?! (?:shirt|dress|jacket|coat|hat|cap|clothes|top|shoes|pants|hair|outfit|sign|flag))",
    ),
    rule(
        "baby_inside",
        r"\bbaby (?:in|inside) (?:her|his|the \w+s?|that \w+s?|this \w+s?) (?:belly|tummy|stomach"
        r"|womb)\b",
    ),
    rule(
        "where_from",
        rf"\bwhere (?:is|are) {PERSON_REF} (?:originally )?from\b"
        rf"|\bwhat country (?:is|are) {PERSON_REF} from\b",
    ),
)
