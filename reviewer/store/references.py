"""Last year's published reports, per unit (issue 16).

A reference is the published report of one unit for one year: uploaded (the file as published),
or an approved report of the service marked as published (the submission it came from). Its
bytes are a content-addressed blob like any draft; the cells read from it are kept for the
本年 / 上年 / 差额 comparison on the review page. One reference per unit and year: a new one
replaces the old.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reviewer.store.db import utcnow
from reviewer.store.models import Base


class ReferenceReport(Base):
    __tablename__ = "reference_reports"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_reference_unit_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the report's year (N−1 for the reviews of year N)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(500))
    agency: Mapped[str | None] = mapped_column(String(200), nullable=True)  # as read from the report
    source: Mapped[str] = mapped_column(String(16))  # upload | review (an approved report marked published)
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"), nullable=True)
    cells: Mapped[dict] = mapped_column(JSON)  # Review.report.cells of the reference
    created_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())


def put_reference(session: Session, tenant_id: int, unit_id: int, year: int, blob_sha256: str, filename: str,
                  agency: str | None, source: str, cells: dict, submission_id: str | None = None,
                  created_by: str | None = None) -> ReferenceReport:
    """Store (or replace) the unit's reference for ``year``."""
    row = session.scalar(select(ReferenceReport).where(ReferenceReport.unit_id == unit_id,
                                                       ReferenceReport.year == year))
    if row is None:
        row = ReferenceReport(tenant_id=tenant_id, unit_id=unit_id, year=year)
        session.add(row)
    row.blob_sha256, row.filename, row.agency, row.source = blob_sha256, filename[:500], agency, source
    row.cells, row.submission_id, row.created_by, row.created_at = cells, submission_id, created_by, utcnow()
    session.flush()
    return row


def reference_for(session: Session, tenant_id: int, unit_id: int, year: int) -> ReferenceReport | None:
    return session.scalar(select(ReferenceReport).where(ReferenceReport.tenant_id == tenant_id,
                                                        ReferenceReport.unit_id == unit_id,
                                                        ReferenceReport.year == year))


def references_of(session: Session, tenant_id: int, unit_id: int) -> list[ReferenceReport]:
    return list(session.scalars(select(ReferenceReport).where(ReferenceReport.tenant_id == tenant_id,
                                                              ReferenceReport.unit_id == unit_id)
                                .order_by(ReferenceReport.year.desc())))
