"""Object labels from the scene classifier, said in the answer language.

The classifier's labels are English nouns (ImageNet classes). A catalogue may
translate the common ones (context "object label"); any other label is said
through `compose.object_untranslated`, which gets the English noun with and
without an article: English says "a coffee mug", Japanese 「coffee mug」.
"""

from __future__ import annotations

from models.language import OBJECT_LABEL, optional_message
from models.language import message as say

# Uncountable labels take no article ("It looks like red wine").
_MASS_NOUNS = frozenset({
    "red wine", "espresso", "guacamole", "ice cream", "eggnog", "lotion", "sunscreen",
    "hay", "wool", "dough", "consomme", "chocolate sauce", "hot pot", "trifle", "mashed potato",
})  # fmt: skip


def with_article(label: str) -> str:
    """Return "a mug" / "an orange"; plurals and mass nouns ("red wine") stay bare."""
    if label in _MASS_NOUNS or (label.endswith("s") and not label.endswith("ss")):
        return label
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def object_name(label: str, *, language: str) -> str:
    """The classifier's `label` as the answer language says it ("a coffee mug", マグカップ)."""
    translated = optional_message(label, language=language, context=OBJECT_LABEL)
    if translated is not None:
        return translated
    return say(
        "compose.object_untranslated", language=language, label=label, a_label=with_article(label)
    )
