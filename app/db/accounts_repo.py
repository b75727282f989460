"""Queries on accounts and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import Account, AuthSession


async def get_account_by_email(session: AsyncSession, *, email: str) -> Account | None:
    """Find an account by its (lower-cased) email."""
    return await session.scalar(select(Account).where(Account.email == email.lower()))


async def get_account(session: AsyncSession, *, account_id: str) -> Account | None:
    """Find an account by id."""
    return await session.get(Account, account_id)


async def add_account(
    session: AsyncSession, *, email: str, password_hash: str, role: str, languages: str = "en"
) -> Account:
    """Insert an account and flush so that a duplicate email fails now."""
    account = Account(
        email=email.lower(), password_hash=password_hash, role=role, languages=languages
    )
    session.add(account)
    await session.flush()
    return account


async def delete_account(session: AsyncSession, *, account_id: str) -> None:
    """Delete an account; its rows go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Account).where(Account.id == account_id))


async def lock_account_for_erasure(session: AsyncSession, *, account_id: str) -> None:
    """Take the locks that order an erasure against concurrent inserts of the account's rows.

    First a write (its login sessions go now; the cascade would remove them anyway): on
    SQLite that takes the database's write lock before anything is read. Then the
    account row FOR UPDATE: on PostgreSQL an insert that references the account takes a
    KEY SHARE lock on it, which FOR UPDATE waits for and blocks."""
    await session.execute(delete(AuthSession).where(AuthSession.account_id == account_id))
    await session.execute(select(Account.id).where(Account.id == account_id).with_for_update())


async def add_auth_session(
    session: AsyncSession,
    *,
    account_id: str,
    refresh_token_hash: str,
    expires_at: datetime,
    session_id: str | None = None,
) -> AuthSession:
    """Record a login (with a chosen id when its refresh token must name it)."""
    auth_session = AuthSession(
        account_id=account_id, refresh_token_hash=refresh_token_hash, expires_at=expires_at
    )
    if session_id is not None:
        auth_session.id = session_id
    session.add(auth_session)
    await session.flush()
    return auth_session


async def get_auth_session(session: AsyncSession, *, session_id: str) -> AuthSession | None:
    """Find a login session by id."""
    return await session.get(AuthSession, session_id)


async def get_auth_session_by_refresh_hash(
    session: AsyncSession, *, refresh_token_hash: str, for_update: bool = False
) -> AuthSession | None:
    """Find a login session by its refresh token hash (locked when rotating)."""
    query = select(AuthSession).where(AuthSession.refresh_token_hash == refresh_token_hash)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def revoke_auth_session(session: AsyncSession, *, session_id: str, now: datetime) -> bool:
    """Mark a login session revoked (logout, or reuse of a rotated refresh token).

    True when this call revoked it (it existed and was not revoked yet)."""
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))
