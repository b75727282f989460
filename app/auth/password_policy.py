"""Which passwords are refused: too short, blank, too long, or among the most common.

The common list is the 30,000 most frequent passwords that ship with the
`zxcvbn` package (MIT; its `passwords` frequency list, from leaked-password
corpora), compared case-insensitively. Length is counted in characters;
the upper bound is deliberate and documented in docs/security.md: Argon2
takes any length (it pre-hashes its input with BLAKE2b), so the bound only
keeps one request's work and size small, far above any real passphrase.
"""

from __future__ import annotations

from functools import cache

from app.errors import ValidationFailedError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list (loaded once, on first use: the module is 1 MB of Python)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(
        word.lower() for word in FREQUENCY_LISTS["passwords"] if len(word) >= MIN_PASSWORD_LENGTH
    )


def check_new_password(password: str, *, email: str) -> None:
    """Raise ValidationFailedError (422) when `password` may not be chosen by `email`'s owner."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailedError(
            key="error.password_length", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH
        )
    if not password.strip():
        raise ValidationFailedError(key="error.password_blank")
    lowered = password.lower()
    if lowered in common_passwords() or lowered in {email.lower(), email.lower().split("@")[0]}:
        raise ValidationFailedError(key="error.password_common")
