"""Dependencies as named types, gathered in one module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.service import AuthContext
from app.errors import NotAuthenticatedError, PermissionDeniedError
from app.services import AppServices

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


def get_services(request: Request) -> AppServices:
    """The objects built at start-up."""
    services: AppServices = request.app.state.services
    return services


ServicesDep = Annotated[AppServices, Depends(get_services)]


async def get_session(services: ServicesDep) -> AsyncIterator[AsyncSession]:
    """A session in a transaction: committed when the route returns, rolled back if it raises."""
    # The rule (docs/architecture.md, "Transactions"): services that run the describe
    # pipeline take `services.sessions` and open short transactions instead.
    async with services.sessions() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


async def get_auth_context(services: ServicesDep, token: TokenDep) -> AuthContext:
    """The authenticated caller; 401 without a valid, unrevoked access token.

    Uses its own short session: a describe request must not hold a database
    connection while its photo is analyzed (a second or more)."""
    if not token:
        raise NotAuthenticatedError()
    async with services.sessions() as session:
        return await auth_service.authenticate(
            session=session, tokens=services.tokens, access_token=token
        )


AuthDep = Annotated[AuthContext, Depends(get_auth_context)]


async def require_admin(auth: AuthDep) -> AuthContext:
    """Only admins pass."""
    if auth.account.role != "admin":
        raise PermissionDeniedError()
    return auth


AdminDep = Annotated[AuthContext, Depends(require_admin)]


def client_address(request: Request) -> str:
    """The client's address for rate limiting (the proxy's when behind one)."""
    return request.client.host if request.client else "unknown"


ClientAddressDep = Annotated[str, Depends(client_address)]
