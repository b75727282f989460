"""Unknown accounts cost the same Argon2 verification as known ones."""

from __future__ import annotations

from argon2 import PasswordHasher

from app.auth.passwords import PasswordService


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verifications += 1
        return super().verify(hash, password)


def test_unknown_account_still_verifies_a_hash() -> None:
    hasher = CountingHasher()
    service = PasswordService(hasher)
    assert service.verify(None, "anything") is False
    assert hasher.verifications == 1


def test_known_account_verifies_its_hash() -> None:
    service = PasswordService(CountingHasher())
    stored = service.hash("s3cret password")
    assert service.verify(stored, "s3cret password") is True
    assert service.verify(stored, "wrong") is False
    assert stored.startswith("$argon2id$")
