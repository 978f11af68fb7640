"""Units (issue 16): CSV/XLSX import and export, default and per-year deadlines, matching by agency name."""

from __future__ import annotations

from datetime import date

import pytest

from reviewer.services import units
from reviewer.store.db import session_scope
from reviewer.store.models import Submission, Tenant
from reviewer.store.submissions import create_submission

CSV = ("name,aliases,kind,parent,deadline\n"
       "乌海市人民政府,,政府,,\n"
       "乌海市工业和信息化局,乌海工信局;工信局,部门,乌海市人民政府,2025-01-20\n"
       "乌海市海勃湾区人民政府,海勃湾区政府,政府,乌海市人民政府,\n")


def _tenant(s, name):
    return s.query(Tenant).filter_by(name=name).one().id


def test_csv_import_parents_deadlines_and_export_round_trip(db):
    with session_scope(db) as s:
        t = _tenant(s, "甲")
        assert units.import_units(s, t, units.read_table(CSV.encode("gb18030"))) == {"created": 3, "updated": 0}
        rows = {r["name"]: r for r in units.list_units(s, t, 2024)}
        assert rows["乌海市工业和信息化局"]["parent"] == "乌海市人民政府"
        assert rows["乌海市工业和信息化局"]["deadline"] == "2025-01-20"
        assert rows["乌海市人民政府"]["deadline"] == "2025-01-31"  # default: 31 January of year+1
        assert units.list_units(s, t, 2025)[1]["deadline"] == "2026-01-31"  # the set date was for 2024 only
        again = units.read_table(units.export_xlsx(list(rows.values())), "u.xlsx")
        assert units.import_units(s, t, again) == {"created": 0, "updated": 3}
        assert {r["name"]: r for r in units.list_units(s, t, 2024)} == rows
        assert units.read_table(units.export_csv(list(rows.values())))[1].aliases == ("乌海工信局", "工信局")
        # a deadline for an explicit year (a report of 2023 handed in late)
        units.import_units(s, t, units.read_table("单位名称,截止日期,年度\n乌海市人民政府,2025-03-31,2023年\n".encode()))
        assert units.list_units(s, t, 2023)[0]["deadline"] == "2025-03-31"
        assert units.list_units(s, t, 2024)[0]["deadline"] == "2025-01-31"
        # the other tenant sees none of them
        assert units.list_units(s, _tenant(s, "乙"), 2024) == []


@pytest.mark.parametrize("text, zh", [
    ("aliases\nx\n", "表头应包含 name"),
    ("name,kind\n某局,公司\n", "第 1 行：单位类型"),
    ("name,parent\n某局,不存在的政府\n", "上级单位不存在"),
    ("name,deadline\n某局,明年一月\n", "截止日期应写作"),
    ("name\n\n", "没有任何单位"),
    ("name,year\n某局,2024\n", "没有截止日期"),
    ("name,deadline,year\n某局,2025-01-31,明年\n", "年度应为四位数字"),
])
def test_bad_rows_are_refused_with_the_row_in_chinese(db, text, zh):
    with session_scope(db) as s, pytest.raises(units.UnitError) as err:
        units.import_units(s, _tenant(s, "甲"), units.read_table(text.encode()))
    assert zh in err.value.message_zh and err.value.message_en


def test_agency_names_match_one_unit_or_none(db):
    with session_scope(db) as s:
        t = _tenant(s, "甲")
        units.import_units(s, t, units.read_table(CSV.encode()))
        assert units.match_unit(s, t, "乌海市工信局").name == "乌海市工业和信息化局"  # 简称 of the 全称
        assert units.match_unit(s, t, "乌海市 人民政府办公室").name == "乌海市人民政府"  # spacing, 办公室
        assert units.match_unit(s, t, "海勃湾区政府").name == "乌海市海勃湾区人民政府"  # an alias
        assert units.match_unit(s, t, "乌达区人民政府") is None  # unknown: left for a person, not guessed
        assert units.match_unit(s, _tenant(s, "乙"), "乌海市工信局") is None
        # two units answering to one name: ambiguous, nobody is picked
        units.import_units(s, t, units.read_table("name,aliases\n工信局甲,乌海市工信局\n".encode()))
        assert units.match_unit(s, t, "乌海市工信局") is None


def test_a_review_attaches_its_submission_and_unmatched_ones_are_listed(db):
    with session_scope(db) as s:
        t = _tenant(s, "甲")
        units.import_units(s, t, units.read_table(CSV.encode()))
        a, _ = create_submission(s, t, b"a", "a.txt", {}, None, None)
        b, _ = create_submission(s, t, b"b", "b.txt", {}, None, None)
        from reviewer.store.models import ReviewRow
        for sub, agency in ((a, "乌海市工信局"), (b, "乌达区人民政府")):
            review = {"status": "ok", "report": {"agency": agency, "year": 2024}}
            s.add(ReviewRow(submission_id=sub.id, status="ok", counts={}, review=review, created_at=sub.created_at))
            units.attach_by_agency(s, sub, review)
        s.flush()
        assert s.get(Submission, a.id).unit_id == units.find_unit(s, t, "乌海市工业和信息化局").id
        assert [r["agency"] for r in units.unassigned(s, t)] == ["乌达区人民政府"]
        gov = units.find_unit(s, t, "乌海市人民政府")
        assert units.assign(s, t, b.id, gov.id) and units.unassigned(s, t) == []
        assert not units.assign(s, _tenant(s, "乙"), b.id, gov.id)  # another tenant's ids


def test_deadline_default():
    assert units.default_deadline(2024) == date(2025, 1, 31)


@pytest.mark.parametrize("data", [
    b"name,kind\n" + b"a" * 200_000 + b",\xe9\x83\xa8\xe9\x97\xa8\n",  # a field over the csv module's limit
    b"name\n\"unterminated\nx",  # strict quoting is not required, but no traceback either way
    b"PK\x03\x04garbage",  # looks like an XLSX, is not one
])
def test_garbage_tables_are_a_unit_error_never_an_exception(data):
    try:
        units.read_table(data, "units.csv")
    except units.UnitError as exc:
        assert exc.message_zh and exc.message_en


def test_control_characters_never_reach_a_name(db):
    (u,) = units.read_table("name,aliases\n某市\x00教育局,市\x07教育局\n".encode("utf-8"))
    assert u.name == "某市 教育局" and list(u.aliases) == ["市 教育局"]


def test_a_submission_names_its_unit_and_a_unit_limited_submitter_only_its_own(db):
    with session_scope(db) as s:
        t = _tenant(s, "甲")
        units.import_units(s, t, units.read_table("name\n甲市教育局\n甲市民政局\n".encode("utf-8")))
        edu = units.find_unit(s, t, "甲市教育局").id
        civ = units.find_unit(s, t, "甲市民政局").id
        assert units.submission_unit(s, t, None, None) is None
        assert units.submission_unit(s, t, " 甲市教育局 ", None) == edu
        assert units.submission_unit(s, t, str(civ), None) == civ
        assert units.submission_unit(s, t, None, edu) == edu
        assert units.submission_unit(s, t, str(edu), edu) == edu
        with pytest.raises(units.UnitError, match="unknown unit"):
            units.submission_unit(s, t, "乙市教育局", None)
        with pytest.raises(units.UnitError, match="unknown unit"):
            units.submission_unit(s, _tenant(s, "乙"), "甲市教育局", None)  # another tenant's unit
        for other in ("甲市民政局", "乙市教育局"):
            with pytest.raises(units.UnitError, match="own unit only"):
                units.submission_unit(s, t, other, edu)
