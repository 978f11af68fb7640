"""Alembic environment: always run programmatically with a connection passed in
``config.attributes["connection"]`` (see reviewer.store.db.migrate)."""

from alembic import context

from reviewer.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
