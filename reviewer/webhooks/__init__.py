"""Signed webhooks (Standard Webhooks): signing, verification for receivers, SSRF guard, delivery.

Receivers need only ``verify``::

    from reviewer.webhooks import verify
    event = verify(request_body_bytes, request_headers, "whsec_…")
"""

from reviewer.webhooks.signing import WebhookVerificationError, sign_headers, signature, verify

__all__ = ["WebhookVerificationError", "sign_headers", "signature", "verify"]
