"""Password hashing with argon2-cffi (Argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class PasswordService:
    """Hashes and verifies passwords; built once at start-up."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Verified for unknown accounts so that they take as long as known ones.
        self._dummy_hash = self._hasher.hash("sightline-dummy-password")

    def hash(self, password: str) -> str:
        """Return an Argon2id hash of the password."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no hash (unknown account) verify a dummy one and return False."""
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None
