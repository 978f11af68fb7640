"""Units that owe a report (issue 16): list, import/export as CSV or XLSX, deadlines, and
attaching a submission to its unit by the agency name the reviewer read.

A name matches a unit when its folded form (``crossreport.names.normalise_agency``: 全称 and 简称
meet, spacing and brackets ignored) equals the folded form of the unit's name or one of its
aliases. Exactly one unit must match; none or several leave the submission unassigned, listed for a
person to assign. Nothing is guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer.store.db import utcnow
from reviewer.store.models import Submission, Unit, UnitDeadline

KINDS = ("政府", "部门", "乡镇街道", "其他")
FIELDS = ("name", "aliases", "kind", "parent", "deadline")  # and, optionally, "year" the deadline is for
# CSV/XLSX headers people write in Chinese are read too
HEADER_ZH = {"单位名称": "name", "名称": "name", "单位": "name", "别名": "aliases", "类型": "kind", "单位类型": "kind",
             "上级": "parent", "上级单位": "parent", "截止日期": "deadline", "截止时间": "deadline",
             "年度": "year", "报告年度": "year"}
MAX_UNITS = 2000


class UnitError(ValueError):
    """Bad unit data: a message in Chinese and one in English, and the row (1-based, header excluded)."""

    def __init__(self, zh: str, en: str, row: int | None = None):
        where_zh = f"第 {row} 行：" if row else ""
        where_en = f"row {row}: " if row else ""
        super().__init__(where_en + en)
        self.message_zh = where_zh + zh
        self.message_en = where_en + en


@dataclass(frozen=True)
class UnitIn:
    name: str
    aliases: tuple[str, ...]
    kind: str
    parent: str | None
    deadline: date | None
    year: int | None = None  # the report year the deadline is for; default deadline.year - 1


def default_deadline(year: int) -> date:
    """A report of year N is due on 31 January of N+1 (条例第五十条)."""
    return date(year + 1, 1, 31)


def _clean(text) -> str:
    # control characters (a NUL, which PostgreSQL refuses in text) are never part of a unit's name
    return " ".join("".join(c if c.isprintable() else " " for c in str(text or "")).split())


def parse_row(raw: dict, row: int | None = None) -> UnitIn:
    name = _clean(raw.get("name"))[:200]
    if not name:
        raise UnitError("单位名称不能为空", "name is empty", row)
    aliases = raw.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in (_clean(x) for x in aliases.replace("；", ";").replace("，", ";")
                                                    .replace(",", ";").replace("、", ";").split(";")) if a]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise UnitError("别名应为文字列表", "aliases must be a list of strings", row)
    kind = _clean(raw.get("kind")) or "部门"
    if kind not in KINDS:
        raise UnitError(f"单位类型应为 {'、'.join(KINDS)} 之一：{kind}", f"kind must be one of {KINDS}: {kind}", row)
    deadline = raw.get("deadline")
    if isinstance(deadline, str) and deadline.strip():
        try:
            deadline = date.fromisoformat(deadline.strip().replace("/", "-")[:10])
        except ValueError:
            raise UnitError(f"截止日期应写作 2025-01-31：{deadline}", f"deadline must be YYYY-MM-DD: {deadline}",
                            row) from None
    elif hasattr(deadline, "date") and not isinstance(deadline, date):
        deadline = deadline.date()
    elif hasattr(deadline, "year") and hasattr(deadline, "month"):
        deadline = date(deadline.year, deadline.month, deadline.day)  # an XLSX date cell
    else:
        deadline = None
    parent = _clean(raw.get("parent")) or None
    year_text = _clean(raw.get("year")).removesuffix("年")
    if year_text and not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        raise UnitError(f"年度应为四位数字：{year_text}", f"year must be four digits: {year_text}", row)
    year = int(year_text) if year_text else None
    if year and not deadline:
        raise UnitError("填写了年度但没有截止日期", "a year without a deadline", row)
    return UnitIn(name, tuple(dict.fromkeys(a[:200] for a in aliases if a != name))[:20], kind, parent, deadline,
                  year)


def _header(cells) -> list[str]:
    out = []
    for c in cells:
        key = _clean(c).lower()
        out.append(HEADER_ZH.get(_clean(c), key))
    if "name" not in out:
        raise UnitError("表头应包含 name（单位名称）列", "the header must have a name column")
    return out


def read_table(data: bytes, filename: str = "") -> list[UnitIn]:
    """CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it in China) or XLSX → units."""
    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnitError("无法识别文件编码，请另存为 UTF-8 的 CSV", "cannot decode the CSV; save it as UTF-8")
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise UnitError(f"CSV 格式有误：{exc}", f"malformed CSV: {exc}") from None
    rows = [r for r in rows if any(_clean(c) for c in r)]
    if len(rows) < 2:
        raise UnitError("文件中没有任何单位", "no units in the file")
    if len(rows) > MAX_UNITS + 1:
        raise UnitError(f"一次最多导入 {MAX_UNITS} 个单位", f"at most {MAX_UNITS} units at once")
    header = _header(rows[0])
    return [parse_row(dict(zip(header, r, strict=False)), i) for i, r in enumerate(rows[1:], 1)]


def _xlsx_rows(data: bytes) -> list[list]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        if len(infos) > 500 or sum(i.file_size for i in infos) > 50 * 1024 * 1024:  # a zip bomb, not a roster
            raise UnitError("XLSX 文件解压后过大，疑似恶意构造", "the XLSX expands too much (zip bomb?)")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError):
        raise UnitError("无法读取该 XLSX 文件", "cannot read the XLSX file") from None
    if not wb.worksheets:
        raise UnitError("该 XLSX 文件没有工作表", "the XLSX has no worksheet")
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_UNITS + 2)]
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile):
        raise UnitError("无法读取该 XLSX 文件", "cannot read the XLSX file") from None


def import_units(s: Session, tenant_id: int, units: list[UnitIn]) -> dict:
    """Create or update units by name; parents may be named anywhere in the same import."""
    existing = {u.name: u for u in s.scalars(select(Unit).where(Unit.tenant_id == tenant_id))}
    created = updated = 0
    for u in units:
        row = existing.get(u.name)
        if row is None:
            row = Unit(tenant_id=tenant_id, name=u.name, aliases=list(u.aliases), kind=u.kind, created_at=utcnow())
            s.add(row)
            existing[u.name] = row
            created += 1
        else:
            row.aliases, row.kind = list(u.aliases), u.kind
            updated += 1
    s.flush()
    for i, u in enumerate(units, 1):
        row = existing[u.name]
        if u.parent:
            parent = existing.get(u.parent)
            if parent is None:
                raise UnitError(f"上级单位不存在：{u.parent}", f"no such parent unit: {u.parent}", i)
            if parent.id == row.id:
                raise UnitError("单位不能是自己的上级", "a unit cannot be its own parent", i)
            row.parent_id = parent.id
        if u.deadline:
            set_deadline(s, row.id, u.year or u.deadline.year - 1, u.deadline)
    s.flush()
    return {"created": created, "updated": updated}


def set_deadline(s: Session, unit_id: int, year: int, deadline: date) -> None:
    row = s.get(UnitDeadline, (unit_id, year))
    if row is None:
        s.add(UnitDeadline(unit_id=unit_id, year=year, deadline=deadline))
    else:
        row.deadline = deadline


def change_deadline(s: Session, tenant_id: int, unit_ref: str, year_text: str, deadline_text: str) -> dict:
    """A person sets one unit's deadline for reports of one year (the admin page). Returns what changed,
    for the audit log; bad input is a UnitError in Chinese and English."""
    unit = find_unit(s, tenant_id, unit_ref) if _clean(unit_ref) else None
    if unit is None:
        raise UnitError("请选择单位", "choose a unit")
    year_text = _clean(year_text)
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        raise UnitError("报告年度应为 2000–2100 之间的年份", "the year must be between 2000 and 2100")
    year = int(year_text)
    try:
        deadline = date.fromisoformat(_clean(deadline_text))
    except ValueError:
        raise UnitError("截止日期应写作 2025-01-31", "the deadline must be YYYY-MM-DD") from None
    if not year < deadline.year <= year + 2:
        raise UnitError(f"{year} 年度报告的截止日期应在 {year + 1} 年或其后一年",
                        f"a deadline for year {year} reports falls in {year + 1} or {year + 2}")
    before = deadlines(s, tenant_id, year).get(unit.id)
    set_deadline(s, unit.id, year, deadline)
    s.flush()
    return {"unit": unit.name, "unit_id": unit.id, "year": year, "deadline": deadline.isoformat(),
            "previous": before.isoformat() if before else None}


def deadlines(s: Session, tenant_id: int, year: int) -> dict[int, date]:
    """Every unit's deadline for reports of ``year`` (the default where none was set)."""
    units = s.scalars(select(Unit.id).where(Unit.tenant_id == tenant_id)).all()
    set_ = dict(s.execute(select(UnitDeadline.unit_id, UnitDeadline.deadline).join(Unit, Unit.id == UnitDeadline.unit_id)
                          .where(Unit.tenant_id == tenant_id, UnitDeadline.year == year)).all())
    return {uid: set_.get(uid, default_deadline(year)) for uid in units}


def list_units(s: Session, tenant_id: int, year: int | None = None) -> list[dict]:
    year = year or utcnow().year - 1
    units = s.scalars(select(Unit).where(Unit.tenant_id == tenant_id).order_by(Unit.id)).all()
    names = {u.id: u.name for u in units}
    due = deadlines(s, tenant_id, year)
    return [{"id": u.id, "name": u.name, "aliases": list(u.aliases or []), "kind": u.kind,
             "parent": names.get(u.parent_id), "deadline": due[u.id].isoformat(), "year": year} for u in units]


def get_unit(s: Session, tenant_id: int, unit_id: int) -> Unit | None:
    u = s.get(Unit, unit_id) if 0 < unit_id < 2**31 else None
    return u if u is not None and u.tenant_id == tenant_id else None


def find_unit(s: Session, tenant_id: int, ref: str) -> Unit | None:
    """A unit by its id (digits) or its exact name."""
    ref = _clean(ref)
    if ref.isdigit():
        return get_unit(s, tenant_id, int(ref))
    return s.scalar(select(Unit).where(Unit.tenant_id == tenant_id, Unit.name == ref))


def submission_unit(s: Session, tenant_id: int, ref: str | None, own_unit_id: int | None) -> int | None:
    """The unit a new draft is submitted for. A unit's key or a 填报单位 always submits for its own unit
    (naming it again is fine, naming any other — known or not — is refused alike); others may name a
    unit by id or name, which then wins over matching the agency name read from the draft."""
    ref = _clean(ref)[:200] if ref is not None else ""
    unit = find_unit(s, tenant_id, ref) if ref else None
    if own_unit_id is not None:
        if ref and (unit is None or unit.id != own_unit_id):
            raise UnitError("只能为本单位提交报告", "a unit's key or account submits for its own unit only")
        return own_unit_id
    if ref and unit is None:
        raise UnitError(f"未找到单位：{ref}（请填写单位编号或完整名称）", f"unknown unit: {ref} (give its id or name)")
    return unit.id if unit else None


def export_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([*FIELDS, "year"])
    for r in rows:
        w.writerow([r["name"], ";".join(r["aliases"]), r["kind"], r["parent"] or "", r["deadline"], r["year"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def export_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append([*FIELDS, "year"])
    for r in rows:
        ws.append([r["name"], ";".join(r["aliases"]), r["kind"], r["parent"] or "", r["deadline"], r["year"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- which unit a submission belongs to ------------------------------------------------------------------


def match_unit(s: Session, tenant_id: int, agency: str | None) -> Unit | None:
    """The one unit whose name or alias folds to the same key as ``agency``; None for none or several."""
    from reviewer.crossreport.names import normalise_agency

    key = normalise_agency(agency)
    if not key:
        return None
    hits = [u for u in s.scalars(select(Unit).where(Unit.tenant_id == tenant_id))
            if key in {normalise_agency(n) for n in [u.name, *(u.aliases or [])]}]
    return hits[0] if len(hits) == 1 else None


def attach_by_agency(s: Session, sub: Submission, review: dict) -> int | None:
    """After a review: a submission not yet attached joins the unit its agency name matches."""
    if sub.unit_id is None:
        unit = match_unit(s, sub.tenant_id, ((review or {}).get("report") or {}).get("agency"))
        if unit is not None:
            sub.unit_id = unit.id
            s.flush()
    return sub.unit_id


def assign(s: Session, tenant_id: int, submission_id: str, unit_id: int) -> bool:
    """A person attaches a submission to a unit (both must be the tenant's)."""
    sub = s.get(Submission, submission_id)
    unit = get_unit(s, tenant_id, unit_id)
    if sub is None or sub.tenant_id != tenant_id or unit is None:
        return False
    sub.unit_id = unit.id
    s.flush()
    return True


def report_visible(s: Session, report_id: str, unit_id: int) -> bool:
    """A unit sees a report (review rounds) when drafts of it are the unit's and none is another unit's."""
    units = set(s.scalars(select(Submission.unit_id).where(Submission.report_id == report_id)))
    return unit_id in units and not (units - {unit_id, None})


def unassigned(s: Session, tenant_id: int, limit: int = 200) -> list[dict]:
    """Finished reviews attached to no unit, with the agency name read, for a person to assign."""
    from reviewer.store.models import ReviewRow

    rows = s.execute(select(Submission, ReviewRow).join(ReviewRow, ReviewRow.submission_id == Submission.id)
                     .where(Submission.tenant_id == tenant_id, Submission.unit_id.is_(None),
                            ReviewRow.status == "ok")
                     .order_by(Submission.created_at.desc()).limit(limit)).all()
    return [{"review_id": sub.id, "filename": sub.filename,
             "agency": ((row.review.get("report") or {}).get("agency") or ""),
             "year": (row.review.get("report") or {}).get("year")} for sub, row in rows]
