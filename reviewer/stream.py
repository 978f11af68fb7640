"""Finished reviews on a Redis Stream (default key ``reviewer:results``).

Each entry has the fields ``review_id``, ``tenant``, ``status`` (Review.status:
ok | failed), ``counts`` (JSON: error/warning/info) and ``finished_at``. Consumers
read with consumer groups (XREADGROUP / XACK); see README.md, 结果流. The store
marks an entry as published only after XADD succeeds; the sweep re-publishes
any that a Redis outage missed, so delivery to the stream is at least once.

A Redis restarted without persistence comes back without the stream. To notice,
every XADD goes with an epoch: a marker key next to the stream (``<key>:epoch``)
holding a random id, created when missing; the store records the epoch of each
entry. An entry whose recorded epoch is not the current one was in a stream that
is gone, and the sweep publishes it again (issue 17).
"""

from __future__ import annotations

import json
import uuid

# KEYS: stream, epoch marker. ARGV: new epoch (used if the marker is missing), maxlen, field/value pairs.
_XADD_WITH_EPOCH = """
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
return {id, epoch}
"""
_GET_OR_SET = """
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch)
end
return epoch
"""


def entry_fields(review_id: str, tenant: str, status: str, counts: dict, finished_at: str) -> dict[str, str]:
    return {
        "review_id": review_id,
        "tenant": tenant,
        "status": status,
        "counts": json.dumps(counts, separators=(",", ":")),
        "finished_at": finished_at,
    }


def epoch_key(key: str) -> str:
    return f"{key}:epoch"


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def publish(client, key: str, fields: dict[str, str], maxlen: int) -> tuple[str, str]:
    """XADD with an approximate length cap, in the current epoch; returns (entry id, epoch)."""
    args = [uuid.uuid4().hex, maxlen] + [x for kv in fields.items() for x in kv]
    entry_id, epoch = client.eval(_XADD_WITH_EPOCH, 2, key, epoch_key(key), *args)
    return _text(entry_id), _text(epoch)


def current_epoch(client, key: str) -> str:
    """The stream's epoch, starting a new one when Redis has none (fresh, or restarted empty)."""
    return _text(client.eval(_GET_OR_SET, 1, epoch_key(key), uuid.uuid4().hex))


def ensure_group(client, key: str, group: str, start: str = "0") -> None:
    """Create a consumer group (and the stream) if missing."""
    import redis

    try:
        client.xgroup_create(key, group, id=start, mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
