"""Region roll-up (issue 16): a 全市 report's table 三/四 totals beside the sum of its direct
subordinates' reports of the same year — a warning to check, never an error, never a finding."""

from __future__ import annotations

import pytest

from reviewer.services import units
from reviewer.services.rollup import rollup
from reviewer.store.db import session_scope, utcnow
from reviewer.store.models import ReviewRow, Tenant
from reviewer.store.submissions import create_submission

CSV = ("name,aliases,kind,parent,deadline\n"
       "乌海市人民政府,乌海市,政府,,\n"
       "乌海市教育局,,部门,乌海市人民政府,\n"
       "乌海市财政局,,部门,乌海市人民政府,\n"
       "乌海市海勃湾区人民政府,海勃湾区,政府,乌海市人民政府,\n"
       "海勃湾区教育局,,部门,乌海市海勃湾区人民政府,\n")


@pytest.fixture()
def store(db):
    """The conftest store (tenants 甲 and 乙) with 甲's units: a city, its departments and a district with its own."""
    with session_scope(db) as s:
        units.import_units(s, _tenant(s), units.read_table(CSV.encode()))
    return db


def _tenant(s) -> int:
    return s.query(Tenant).filter_by(name="甲").one().id


def _report(s, tenant_id: int, unit: str, cells: dict, year: int = 2023, status: str = "ok") -> dict:
    unit_row = units.find_unit(s, tenant_id, unit)
    sub, _ = create_submission(s, tenant_id, f"{unit}{year}{cells}".encode(), f"{unit}.txt", {}, None, None)
    review = {"review_id": sub.id, "source": sub.filename, "status": status, "findings": [],
              "report": {"agency": unit, "year": year, "cells": cells}}
    sub.status, sub.unit_id, sub.finished_at = "done", unit_row.id, utcnow()
    s.add(ReviewRow(submission_id=sub.id, status=status, counts={"error": 0, "warning": 0, "info": 0},
                    review=review, created_at=utcnow()))
    s.flush()
    return review


def _cells(new: int, review: int) -> dict:
    return {"table3/new/total": new, "table3/results_total/total": new, "table4/counts/review_total": review}


def test_a_city_report_beside_the_sum_of_its_direct_subordinates(store):
    with session_scope(store) as s:
        t = _tenant(s)
        _report(s, t, "乌海市教育局", _cells(10, 1))
        _report(s, t, "乌海市财政局", _cells(5, 0))
        _report(s, t, "乌海市海勃湾区人民政府", _cells(20, 2))  # already the district's total
        _report(s, t, "海勃湾区教育局", _cells(8, 1))  # counted in the district's report: not again
        _report(s, t, "乌海市教育局", _cells(99, 9), year=2022)  # another year: not summed
        city = _report(s, t, "乌海市人民政府", _cells(40, 3))
        out = rollup(s, t, None, city)
        rows = {r["path"]: r for r in out["rows"]}
        assert rows["table3/new/total"] == {"label": "本年新收申请（总计）", "path": "table3/new/total", "this": 40,
                                            "subordinates": 35, "diff": 5, "unread": 0, "differs": True}
        assert rows["table4/counts/review_total"]["diff"] == 0 and not rows["table4/counts/review_total"]["differs"]
        assert out["severity"] == "warning"  # never "error": scopes differ legitimately
        assert set(out["subordinates"]) == {"乌海市海勃湾区人民政府", "乌海市教育局", "乌海市财政局"}
        assert out["missing"] == []


def test_equal_totals_no_warning_and_who_does_not_roll_up(store):
    with session_scope(store) as s:
        t = _tenant(s)
        _report(s, t, "乌海市教育局", _cells(10, 1))
        city = _report(s, t, "乌海市人民政府", _cells(10, 1))
        out = rollup(s, t, None, city)
        assert out["severity"] is None and set(out["missing"]) == {"乌海市海勃湾区人民政府", "乌海市财政局"}
        # a department has no subordinates; a report whose subordinates have not reported has nothing to sum
        assert rollup(s, t, None, _report(s, t, "乌海市财政局", _cells(3, 0))) is None
        assert rollup(s, t, None, _report(s, t, "乌海市海勃湾区人民政府", _cells(3, 0))) is None
        assert rollup(s, t, None, {"status": "failed", "report": {}}) is None
