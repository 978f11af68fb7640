"""Issue 15 in the store, on SQLite and PostgreSQL: migration 0003 over existing data (old submissions stay
readable and can still take decisions), linking versions by agency (全称/简称) and year, decisions by
fingerprint carried into later versions, the delta, the report's status and tenant isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from rounds_drafts import DISMISSED_RULE, REASON, V1, version_two
from service_support import make_tenant
from reviewer.pipeline import ReviewOptions, review_bytes
from reviewer.services import rounds
from reviewer.services.errors import ServiceError
from reviewer.store.db import alembic_config, session_scope, utcnow
from reviewer.store.models import ReviewRow, Submission

OPTS = ReviewOptions(use_llm=False)


def _tenant(engine, name: str) -> int:
    from reviewer.store.tenants import tenant_for_key

    key = make_tenant(engine, name)["api_key"]
    with session_scope(engine) as s:
        return tenant_for_key(s, key).id


def _reviewed(engine, tenant_id: int, text: str, name: str = "draft.txt", **options) -> str:
    """A submission finished the way the worker finishes one (store, then link)."""
    from reviewer.store.submissions import claim, create_submission, finish

    with session_scope(engine) as s:
        sub, _ = create_submission(s, tenant_id, text.encode(), name, {"use_llm": False, **options}, None, None)
        sid = sub.id
    review = review_bytes(text.encode(), name, ReviewOptions(use_llm=False, review_id=sid))
    with session_scope(engine) as s:
        claim(s, sid, "t", None, 60)
        done = finish(s, sid, "t", review.model_dump(mode="json"), review.counts())
        rounds.after_review(s, done)
    return sid


def test_versions_decisions_delta_and_status(engine):
    t, other = _tenant(engine, "甲"), _tenant(engine, "乙")
    v1 = _reviewed(engine, t, V1.read_text(encoding="utf-8"))
    with session_scope(engine) as s:
        view = rounds.rounds_view(s, s.get(Submission, v1), s.get(ReviewRow, v1))
        fp = next(f["fingerprint"] for f in view["review"]["findings"] if f["rule_id"] == DISMISSED_RULE)
        with pytest.raises(ServiceError) as exc:
            rounds.decide(s, t, v1, fp, "dismissed", "  ", "张三")
        assert exc.value.code == "decision.reason_required"
        with pytest.raises(ServiceError) as exc:
            rounds.decide(s, other, v1, fp, "dismissed", REASON, "王五")
        assert exc.value.status == 404
        with pytest.raises(ServiceError) as exc:
            rounds.decide(s, t, v1, "table3.balance:000000000000", "accepted", None, "张三")
        assert exc.value.code == "decision.unknown_fingerprint"
        rounds.decide(s, t, v1, fp, "dismissed", REASON, "张三")
    # 简称 in the title of the next draft: the same report
    v2 = _reviewed(engine, t, version_two().replace("乌海市工业和信息化局\n2023年", "乌海市工信局\n2023年", 1))
    v_other = _reviewed(engine, other, V1.read_text(encoding="utf-8"))
    with session_scope(engine) as s:
        sub2 = s.get(Submission, v2)
        assert sub2.version == 2 and sub2.previous_id == v1
        view = rounds.rounds_view(s, sub2, s.get(ReviewRow, v2))
        # the period finding quotes the (now shorter) title, so it counts as new rather than open
        assert view["delta"]["dismissed"] == [fp] and view["delta"]["counts"]["new"] == 1
        assert view["open_counts"]["error"] == 1
        assert s.get(Submission, v_other).version == 1  # another tenant's copy is another report
        key = view["report_key"]
        out = rounds.set_status(s, t, key, "已通过", "李四")
        assert out["status"] == "approved" and out["status_by"] == "李四" and out["status_review_id"] == v2
        theirs = rounds.get_report(s, other, key)  # the same agency and year at another tenant: its own report
        assert theirs.id != sub2.report_id and theirs.versions == 1 and theirs.status is None
        with pytest.raises(ServiceError):
            rounds.get_report(s, other, "no-such-report")
        listed = rounds.list_reports(s, t, "乌海市工信局")
        assert [r["report_key"] for r in listed] == [key] and listed[0]["versions"] == 2
        assert rounds.list_reports(s, t, "2023")[0]["report_key"] == key


def test_old_submissions_stay_readable_after_the_migration(db_url):
    """A database at 0002 with a finished review: after upgrading, it reads as before, unlinked, and a
    decision on it links it as version 1 of its report."""
    from alembic import command

    from reviewer.store.db import make_engine

    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    review = review_bytes(V1.read_bytes(), V1.name, OPTS).model_dump(mode="json")
    for f in review["findings"]:
        del f["fingerprint"]  # stored before fingerprints existed
    now = utcnow()
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO tenants (id, name, webhook_secret, created_at) VALUES (1, 'old', 'whsec_x', "
                             f"'{now.isoformat(sep=' ')}')")
        conn.exec_driver_sql("INSERT INTO blobs (sha256, size, data, created_at) VALUES ('ab', 1, "
                             + ("'\\x61'::bytea" if engine.dialect.name == "postgresql" else "X'61'")
                             + f", '{now.isoformat(sep=' ')}')")
        from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table

        md = MetaData()
        subs = Table("submissions", md, Column("id", String), Column("tenant_id", Integer),
                     Column("blob_sha256", String), Column("filename", String), Column("options", JSON),
                     Column("request_hash", String), Column("status", String), Column("attempts", Integer),
                     Column("created_at", DateTime), Column("finished_at", DateTime))
        revs = Table("reviews", md, Column("submission_id", String), Column("status", String),
                     Column("counts", JSON), Column("review", JSON), Column("created_at", DateTime))
        conn.execute(insert(subs).values(id="old1", tenant_id=1, blob_sha256="ab", filename="old.txt", options={},
                                         request_hash="x", status="done", attempts=1, created_at=now, finished_at=now))
        conn.execute(insert(revs).values(submission_id="old1", status="ok", counts={"error": 11}, review=review,
                                         created_at=now))
    from reviewer.store.db import migrate

    migrate(engine)
    with session_scope(engine) as s:
        sub = s.get(Submission, "old1")
        view = rounds.rounds_view(s, sub, s.get(ReviewRow, "old1"))
        assert view["version"] is None and view["delta"] is None
        fps = [f["fingerprint"] for f in view["review"]["findings"]]
        assert all(fps) and len(set(fps)) == len(fps)
        rounds.decide(s, 1, "old1", fps[0], "accepted", None, "张三")
        assert sub.version == 1 and sub.report_id is not None
    engine.dispose()
