"""Last year's reports at the service level (issue 16): stored per unit, compared after each review."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # batchgen, reportgen

from reviewer import errors  # noqa: E402
from reviewer.pipeline import ReviewOptions, review_bytes  # noqa: E402
from reviewer.services import references, units  # noqa: E402
from reviewer.store.db import session_scope  # noqa: E402
from reviewer.store.models import Tenant  # noqa: E402
from reviewer.store.submissions import create_submission  # noqa: E402


@pytest.fixture()
def pair(db):
    from batchgen import make_batch

    batch = make_batch(1, carry_breaks={0}, formats=("docx",), seed=7)
    last = next((n, d) for n, d in batch.files.items() if "2022" in n)
    this = next((n, d) for n, d in batch.files.items() if "2023" in n)
    agency = batch.specs[this[0]].agency
    with session_scope(db) as s:
        t = s.query(Tenant).filter_by(name="甲").one().id
        units.import_units(s, t, [units.parse_row({"name": agency, "kind": "部门"})])
    return db, agency, last, this


def _this_year(s, tenant_id, this):
    sub, _ = create_submission(s, tenant_id, this[1], this[0], {}, None, None)
    return sub, review_bytes(this[1], this[0], ReviewOptions(use_llm=False))


def test_a_stored_reference_adds_the_cross_year_findings(pair):
    db, agency, last, this = pair
    with session_scope(db) as s:
        t = s.query(Tenant).filter_by(name="甲").one().id
        unit = units.find_unit(s, t, agency)
        sub, review = _this_year(s, t, this)
        assert references.cross_year(s, sub.id, this[1], this[0], review) == 0  # nothing stored yet
        ref = references.add_upload(s, t, unit, last[1], last[0])
        assert (ref.year, ref.source, ref.agency) == (2022, "upload", agency)
        added = references.cross_year(s, sub.id, this[1], this[0], review)
        carry = [f for f in review.findings if f.rule_id == "continuity.carry_over"]
        assert added == len(carry) >= 1 and all(f.fingerprint for f in review.findings)
        # the other tenant's draft of the same agency is not compared with 甲's reference
        other = s.query(Tenant).filter_by(name="乙").one().id
        sub2, review2 = _this_year(s, other, (this[0], this[1] + b" "))
        assert references.cross_year(s, sub2.id, this[1], this[0], review2) == 0


def test_the_workers_time_limit_is_not_swallowed(pair, monkeypatch):
    db, agency, last, this = pair

    class Stop(Exception):
        pass

    def stop(*_a, **_k):
        raise Stop()

    with session_scope(db) as s:
        t = s.query(Tenant).filter_by(name="甲").one().id
        references.add_upload(s, t, units.find_unit(s, t, agency), last[1], last[0])
        sub, review = _this_year(s, t, this)
        monkeypatch.setattr(references, "_read", stop)
        assert references.cross_year(s, sub.id, this[1], this[0], review) == 0  # an error: skipped, logged
        monkeypatch.setattr(errors, "INTERRUPTS", [Stop])
        with pytest.raises(Stop):
            references.cross_year(s, sub.id, this[1], this[0], review)
