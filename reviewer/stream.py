"""Finished reviews on a Redis Stream (default key ``reviewer:results``).

Each entry has the fields ``review_id``, ``tenant``, ``status`` (Review.status:
ok | failed), ``counts`` (JSON: error/warning/info) and ``finished_at``. Consumers
read with consumer groups (XREADGROUP / XACK); see README.md, 结果流. The store
marks an entry as published only after XADD succeeds; the sweep re-publishes
any that a Redis outage missed, so delivery to the stream is at least once.
"""

from __future__ import annotations

import json


def entry_fields(review_id: str, tenant: str, status: str, counts: dict, finished_at: str) -> dict[str, str]:
    return {
        "review_id": review_id,
        "tenant": tenant,
        "status": status,
        "counts": json.dumps(counts, separators=(",", ":")),
        "finished_at": finished_at,
    }


def publish(client, key: str, fields: dict[str, str], maxlen: int) -> str:
    """XADD with an approximate length cap; returns the entry id."""
    entry_id = client.xadd(key, fields, maxlen=maxlen, approximate=True)
    return entry_id.decode() if isinstance(entry_id, bytes) else entry_id


def ensure_group(client, key: str, group: str, start: str = "0") -> None:
    """Create a consumer group (and the stream) if missing."""
    import redis

    try:
        client.xgroup_create(key, group, id=start, mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
