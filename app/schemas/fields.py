"""The one set of field types for everything a client sends (issue 13, class 1).

Every request body field, form field, path and query parameter and header a
route reads is one of these types, so input is checked once, at the edge,
before anything reaches the database: a value that breaks a rule is a 422
naming the field, never a 500 from the driver (PostgreSQL refuses NUL in text,
and every driver refuses a lone surrogate).

The rules, and why:

- **Text** has no control characters except tab, line feed and carriage return
  (NUL among them: PostgreSQL cannot store it); lone surrogates (valid in a JSON
  escape, not in UTF-8) are refused by pydantic itself for every `str`. The rule is also in the OpenAPI document as a `pattern`, so
  generated clients and property-based tests know it.
- **Lengths** match the database columns (`app/db/tables.py`): email 320,
  languages joined 64, a language tag 35, an idempotency key 255.
- **Ids** are UUIDs in their canonical text form (what `new_id()` makes);
  **cursors** are what `next_cursor` returned (microseconds since 1970 and an
  id), in a shape every match of which decodes.
- **Language tags** are BCP 47 in shape (a 2-3 letter language and subtags);
  a list has 1 to 8 distinct tags that fit the column once joined by commas.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# Columns (app/db/tables.py) and limits the fields must fit.
EMAIL_MAX = 320
LANGUAGE_TAG_MAX = 35
LANGUAGES_MAX = 8
LANGUAGES_JOINED_MAX = 64
QUESTION_MAX = 2000
COMMENT_MAX = 2000
IDEMPOTENCY_KEY_MAX = 255
REFRESH_TOKEN_MAX = 512
CURSOR_MAX = 200
PASSWORD_MIN = 8
PASSWORD_MAX = 1024

# Any character but C0 controls other than tab/LF/CR, and DEL. ECMA 262, Python and
# the Rust engine pydantic uses read these patterns alike: no `\s` (its meaning differs
# between them: U+0085 and U+FEFF), spaces are listed instead.
NO_CONTROL_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
# Unicode White_Space, and U+FEFF (a space to ECMA 262).
_SPACES = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF"
# The same as NO_CONTROL_PATTERN, with at least one character that is not a space.
NOT_BLANK_PATTERN = (
    r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*"
    rf"[^{_SPACES}\x00-\x1F\x7F]"
    r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
)
# One line: no control characters at all (login names, tokens, keys).
ONE_LINE_PATTERN = r"^[^\x00-\x1F\x7F]*$"
_EMAIL_PART = rf"[^@{_SPACES}\x00-\x1F\x7F-\x9F]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"
LANGUAGE_TAG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# Microseconds since 1970 (16 digits reach 2286) and the last id of the page: every
# string the pattern accepts decodes, so the document states the whole rule.
CURSOR_PATTERN = (
    r"^[0-9]{1,16}\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# Visible ASCII (RFC 9110 field value without spaces): what clients put in keys and tokens.
TOKEN_PATTERN = r"^[\x21-\x7E]+$"  # noqa: S105 - a regex, not a secret

_UUID = re.compile(UUID_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _distinct_tags_that_fit(tags: list[str]) -> list[str]:
    """Drop repeats (case-insensitive, first kept); the joined form must fit its column."""
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(tag.lower(), tag)
    distinct = list(seen.values())
    if len(",".join(distinct)) > LANGUAGES_JOINED_MAX:
        raise ValueError(
            f"the language tags together are longer than {LANGUAGES_JOINED_MAX} characters"
        )
    return distinct


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """A `next_cursor` back into (created_at, id); ValueError for anything else."""
    micros, separator, description_id = cursor.partition(".")
    if not separator or not micros.isdigit() or not _UUID.fullmatch(description_id):
        raise ValueError("is not a page cursor")
    try:
        created_at = _EPOCH + timedelta(microseconds=int(micros))
    except OverflowError as error:
        raise ValueError("is not a page cursor") from error
    return created_at, description_id


def encode_cursor(created_at: datetime, description_id: str) -> str:
    """The cursor of a page that ends at (created_at, id): exact microseconds since 1970."""
    return f"{(created_at - _EPOCH) // timedelta(microseconds=1)}.{description_id}"


def _valid_cursor(value: str) -> str:
    decode_cursor(value)
    return value


# A question with a photo: optional, so blank means "no question" (the route says so).
PhotoQuestion = Annotated[
    str,
    StringConstraints(max_length=QUESTION_MAX, pattern=NO_CONTROL_PATTERN),
]
# A follow-up question must ask something: blank is refused (the route strips the rest;
# stripping here would make the length the server checks differ from the document's).
FollowUpQuestion = Annotated[
    str,
    StringConstraints(min_length=1, max_length=QUESTION_MAX, pattern=NOT_BLANK_PATTERN),
]
Comment = Annotated[
    str,
    StringConstraints(max_length=COMMENT_MAX, pattern=NO_CONTROL_PATTERN),
]
def _fits_lowered(value: str) -> str:
    # Emails are stored lower-cased, and lowering can lengthen text ("İ" → "i̇").
    if len(value.lower()) > EMAIL_MAX:
        raise ValueError(f"is longer than {EMAIL_MAX} characters")
    return value


Email = Annotated[
    str,
    StringConstraints(max_length=EMAIL_MAX, pattern=EMAIL_PATTERN),
    AfterValidator(_fits_lowered),
]
# What a login form says is the email: any one-line text (a wrong one is a 401, not a 422).
LoginName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=EMAIL_MAX, pattern=ONE_LINE_PATTERN),
]
# Passwords are hashed, never stored, but the hasher needs valid text; NUL is refused
# because C libraries and some clients cut strings at it.
NewPassword = Annotated[
    str,
    StringConstraints(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX, pattern=NO_CONTROL_PATTERN),
]
Password = Annotated[
    str,
    StringConstraints(min_length=1, max_length=PASSWORD_MAX, pattern=NO_CONTROL_PATTERN),
]
LanguageTag = Annotated[
    str,
    StringConstraints(max_length=LANGUAGE_TAG_MAX, pattern=LANGUAGE_TAG_PATTERN),
]
LanguageTags = Annotated[
    list[LanguageTag],
    Field(min_length=1, max_length=LANGUAGES_MAX),
    AfterValidator(_distinct_tags_that_fit),
]
ResourceId = Annotated[str, StringConstraints(min_length=36, max_length=36, pattern=UUID_PATTERN)]
PageCursor = Annotated[
    str,
    StringConstraints(max_length=CURSOR_MAX, pattern=CURSOR_PATTERN),
    AfterValidator(_valid_cursor),
]
IdempotencyKey = Annotated[
    str, StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX, pattern=TOKEN_PATTERN)
]
RefreshToken = Annotated[
    str, StringConstraints(min_length=1, max_length=REFRESH_TOKEN_MAX, pattern=TOKEN_PATTERN)
]
# Content negotiation headers (Accept, Accept-Language): parsed leniently, never stored,
# but bounded like any other input (RFC 9110 field values: visible ASCII, space, tab).
HeaderValue = Annotated[str, StringConstraints(max_length=1024, pattern=r"^[\t\x20-\x7E]*$")]
OneLine = Annotated[
    str,
    StringConstraints(max_length=200, pattern=ONE_LINE_PATTERN),
]
