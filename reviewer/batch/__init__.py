"""Bulk review (docs/architecture.md §4): a folder or zip of drafts, reviewed together.

``read_sources`` (safe folder/zip reading), ``review_all`` (process pool),
``cross_check`` (continuity and duplicate findings across the batch).
"""

from reviewer.batch.runner import Item, cross_check, review_all, review_source
from reviewer.batch.sources import Source, read_sources, read_zip

__all__ = ["Item", "Source", "cross_check", "read_sources", "read_zip", "review_all", "review_source"]
