"""Accounts and sessions in the service layer (issue 16, issue 17 item 4), on a SQLite store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reviewer.services import accounts
from reviewer.services.units import import_units, read_table
from reviewer.store.db import session_scope, utcnow
from reviewer.store.models import Tenant, User
from reviewer.store.tenants import create_api_key, find_key_for_signin, revoke_api_key


@pytest.fixture()
def db(db):
    with session_scope(db) as s:
        t = _tenant(s)
        import_units(s, t, read_table("name\n甲局\n乙局\n".encode()))
        accounts.create_user(s, t, "boss", "boss-password-1", "admin")
    return db


def _tenant(s):
    return s.query(Tenant).filter_by(name="甲").one().id


def test_accounts_refuse_weak_passwords_duplicates_and_clerks_without_a_unit(db):
    with session_scope(db) as s:
        t = _tenant(s)
        for args, code in ((("u1", "short", "reviewer"), "account.weak_password"),
                           (("boss", "long-enough-1", "reviewer"), "account.exists"),
                           (("u2", "long-enough-1", "clerk"), "account.unit_required"),
                           (("u3", "long-enough-1", "root"), "account.bad_role"),
                           (("a b", "long-enough-1", "admin"), "account.bad_username")):
            with pytest.raises(accounts.AccountError) as err:
                accounts.create_user(s, t, *args)
            assert err.value.code == code and err.value.message_zh
        clerk = accounts.create_user(s, t, "clerk", "long-enough-1", "clerk", unit_id=1)
        assert clerk.unit_id == 1 and clerk.password_hash.startswith("$argon2id$")
        assert accounts.create_user(s, t, "rev", "long-enough-1", "reviewer", unit_id=1).unit_id is None


def test_lockout_expires_and_a_success_resets_the_count(db):
    with session_scope(db) as s:
        for _ in range(accounts.MAX_FAILURES - 1):
            with pytest.raises(accounts.AccountError):
                accounts.authenticate(s, "boss", "nope", "10.0.0.1")
        assert accounts.authenticate(s, "boss", "boss-password-1", "10.0.0.1").failed_logins == 0
        for _ in range(accounts.MAX_FAILURES):
            with pytest.raises(accounts.AccountError):
                accounts.authenticate(s, "boss", "nope", "10.0.0.1")
        with pytest.raises(accounts.AccountError) as err:
            accounts.authenticate(s, "boss", "boss-password-1", "10.0.0.1")
        assert err.value.code == "auth.locked"
        s.query(User).filter_by(username="boss").one().locked_until = utcnow() - timedelta(seconds=1)
        assert accounts.authenticate(s, "boss", "boss-password-1", "10.0.0.1").username == "boss"


def test_an_address_that_keeps_failing_is_throttled_whatever_names_it_tries(db):
    with session_scope(db) as s:
        for i in range(accounts.IP_MAX_FAILURES):
            with pytest.raises(accounts.AccountError) as err:
                accounts.authenticate(s, f"guess{i}", "pw", "10.9.9.9")
            assert err.value.code == "auth.invalid"
        with pytest.raises(accounts.AccountError) as err:
            accounts.authenticate(s, "boss", "boss-password-1", "10.9.9.9")
        assert err.value.code == "auth.throttled"
        assert accounts.authenticate(s, "boss", "boss-password-1", "10.9.9.10").username == "boss"  # another one


def test_sessions_end_on_sign_out_password_change_and_key_revocation(db):
    with session_scope(db) as s:
        t = _tenant(s)
        boss = s.query(User).filter_by(username="boss").one()
        a, b = accounts.open_session(s, t, 8, user_id=boss.id), accounts.open_session(s, t, 8, user_id=boss.id)
        p = accounts.session_principal(s, a)
        assert p.role == "admin" and p.is_admin and p.technical and p.csrf
        accounts.revoke_sessions(s, session_id=p.session_id)
        assert accounts.session_principal(s, a) is None and accounts.session_principal(s, b) is not None
        accounts.change_password(s, boss.id, "boss-password-1", "boss-password-2", None)
        assert accounts.session_principal(s, b) is None
        key = create_api_key(s, "甲", unit="乙局")
        row = find_key_for_signin(s, key["api_key"])
        k = accounts.open_session(s, t, 8, api_key_id=row.id)
        kp = accounts.session_principal(s, k)
        assert kp.unit_id == row.unit_id and kp.unit_name == "乙局" and not kp.sees_all_units and not kp.is_admin
        revoke_api_key(s, row)
        assert accounts.session_principal(s, k) is None
        gone = accounts.open_session(s, t, -1, user_id=boss.id)  # expired at once
        assert accounts.session_principal(s, gone) is None
        assert create_api_key(s, "甲", unit="没有这个单位") is None
