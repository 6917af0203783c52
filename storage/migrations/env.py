"""Alembic environment: runs on the app's connection, or on its own for `alembic` CLI use."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import storage.models  # noqa: F401  (registers every table)
from storage.base import Base

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    engine = create_async_engine(
        config.get_main_option("sqlalchemy.url") or "",
        hide_parameters=True,  # issue 15
    )
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    asyncio.run(run_standalone())
