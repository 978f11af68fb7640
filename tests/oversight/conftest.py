"""A migrated SQLite store with tenant 甲 (and 乙) for the service-level tests of issue 16."""

from __future__ import annotations

import pytest


@pytest.fixture()
def db(tmp_path):
    from reviewer.store.db import make_engine, migrate, session_scope
    from reviewer.store.tenants import create_api_key

    engine = make_engine(f"sqlite:///{tmp_path}/store.db")
    migrate(engine)
    with session_scope(engine) as s:
        create_api_key(s, "甲")
        create_api_key(s, "乙")
    return engine
