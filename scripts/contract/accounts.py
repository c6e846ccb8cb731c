"""Restores a gate identity's account in the live server's database, for the login broker.

Directly in the database, like ``scripts/prestart.py``: the API cannot make a superuser, and after the fuzzer changed
an account's password only the database can give the gate its password back.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping

from sqlalchemy.pool import NullPool

from impl.db.engine import create_engine, create_session_factory
from impl.db.repositories.users import UserRepository
from impl.db.types import utcnow
from impl.security.passwords import PasswordHasher
from scripts.contract.login_broker import Account

__all__ = ["account_restorer"]


def account_restorer(database_url: str, hashing: Mapping[str, str]) -> Callable[[Account], bool]:
    """``restore(account)``: password, active flag and role back as the gate made them; the email as it is now.

    ``hashing`` holds the server's ARGON2_* settings, so a restored hash costs what a registered one does.
    """
    hasher = PasswordHasher(
        time_cost=int(hashing["ARGON2_TIME_COST"]),
        memory_cost_kib=int(hashing["ARGON2_MEMORY_COST_KIB"]),
        parallelism=int(hashing["ARGON2_PARALLELISM"]),
    )

    async def restore_async(account: Account) -> bool:
        assert account.id is not None
        # NullPool: each call runs on a new event loop, and asyncpg connections cannot move between loops.
        engine = create_engine(database_url, poolclass=NullPool)
        try:
            async with create_session_factory(engine)() as session, session.begin():
                row = await UserRepository(session).get(uuid.UUID(account.id))
                if row is None:
                    return False
                # An email the fuzzer set is kept: putting the old one back could collide with another account.
                account.email = row.email
                row.hashed_password = await hasher.hash(account.password)
                row.is_active = True
                row.is_superuser = account.superuser
                row.updated_at = utcnow()
                return True
        finally:
            await engine.dispose()

    def restore(account: Account) -> bool:
        # Called from the broker's thread, which has no event loop of its own.
        return asyncio.run(restore_async(account))

    return restore
