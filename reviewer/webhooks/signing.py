"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``, keyed
with the base64-decoded part of a ``whsec_…`` secret. Receivers call ``verify``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping


class WebhookVerificationError(ValueError):
    """The webhook could not be verified; the message says why (Chinese, then English)."""


def _key(secret: str) -> bytes:
    raw = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise WebhookVerificationError("签名密钥格式错误（webhook secret is not valid base64）") from exc


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def sign_headers(secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": signature(secret, msg_id, ts, body),
    }


def verify(payload: bytes, headers: Mapping[str, str], secret: str, tolerance: int = 300) -> dict:
    """Check a received webhook and return its JSON body.

    Raises ``WebhookVerificationError`` when a header is missing, the timestamp is
    more than ``tolerance`` seconds away from now (replay), or no signature matches.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id = lower.get("webhook-id")
    ts_text = lower.get("webhook-timestamp")
    sig_header = lower.get("webhook-signature")
    if not (msg_id and ts_text and sig_header):
        raise WebhookVerificationError("缺少 webhook-id / webhook-timestamp / webhook-signature 头"
                                       "（missing webhook headers）")
    try:
        ts = int(ts_text)
    except ValueError as exc:
        raise WebhookVerificationError("webhook-timestamp 不是整数（invalid timestamp）") from exc
    if abs(time.time() - ts) > tolerance:
        raise WebhookVerificationError("webhook-timestamp 超出允许的时间差，可能是重放"
                                       "（timestamp outside tolerance）")
    expected = signature(secret, msg_id, ts, payload)
    for candidate in sig_header.split():
        if hmac.compare_digest(candidate.encode(), expected.encode()):
            try:
                return json.loads(payload)
            except ValueError as exc:
                raise WebhookVerificationError("签名正确但正文不是 JSON（body is not JSON）") from exc
    raise WebhookVerificationError("签名不匹配（no matching signature）")
