"""Argon2 runs off the event loop, and unknown accounts cost the same verification as known ones."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher

from app.auth.passwords import PasswordService
from app.work_bounds import OffloadPool


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.verifications = 0
        self.threads: set[str] = set()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.threads.add(threading.current_thread().name)
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verifications += 1
        self.threads.add(threading.current_thread().name)
        return super().verify(hash, password)


async def test_unknown_account_still_verifies_a_hash() -> None:
    hasher = CountingHasher()
    service = PasswordService(hasher)
    assert await service.verify_password(None, "anything") is False
    assert hasher.verifications == 1


async def test_known_account_verifies_its_hash() -> None:
    service = PasswordService(CountingHasher())
    stored = await service.hash_password("s3cret password")
    assert await service.verify_password(stored, "s3cret password") is True
    assert await service.verify_password(stored, "wrong") is False
    assert stored.startswith("$argon2id$")


async def test_hashing_and_verifying_run_in_the_password_pool_not_on_the_loop() -> None:
    hasher = CountingHasher()
    pool = OffloadPool(name="passwords", threads=1, queue=2, retry_after_s=5)
    try:
        service = PasswordService(hasher, pool=pool)
        hasher.threads.clear()  # the constructor hashed the dummy password on this thread
        stored = await service.hash_password("s3cret password")
        assert await service.verify_password(stored, "s3cret password") is True
    finally:
        pool.close()
    assert hasher.threads and all(name.startswith("sightline-passwords") for name in hasher.threads)
