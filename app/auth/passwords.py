"""Password hashing with argon2-cffi (Argon2id), off the event loop.

An Argon2id hash takes tens of milliseconds of CPU and 64 MiB of memory by
design, so it runs in the bounded `passwords` pool (docs/concurrency.md).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.work_bounds import OffloadPool, run_off_loop


class PasswordService:
    """Hashes and verifies passwords in `pool`; built once at start-up."""

    def __init__(self, hasher: PasswordHasher | None = None, *, pool: OffloadPool | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._pool = pool
        # Verified for unknown accounts so that they take as long as known ones.
        self._dummy_hash = self._hasher.hash("sightline-dummy-password")

    async def hash_password(self, password: str) -> str:
        """Return an Argon2id hash of the password."""
        return await run_off_loop(self._pool, self._hasher.hash, password)

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no hash (unknown account) verify a dummy one and return False."""
        return await run_off_loop(self._pool, self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None
