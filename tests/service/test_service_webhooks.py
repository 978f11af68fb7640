"""Webhook signing and verification, the SSRF guard, and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import time

import httpx
import pytest

from reviewer.webhooks import WebhookVerificationError, sign_headers, verify
from reviewer.webhooks.delivery import backoff, retry_after_seconds
from reviewer.webhooks.ssrf import Allowlist, PinnedTransport, UnsafeURL, check_url

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def test_signature_is_standard_webhooks_hmac():
    body = b'{"type":"review.completed"}'
    h = sign_headers(SECRET, "msg_1", body, timestamp=1700000000)
    mac = hmac.new(b"0123456789abcdef0123456789abcdef", b"msg_1.1700000000." + body, hashlib.sha256).digest()
    assert h["webhook-signature"] == "v1," + base64.b64encode(mac).decode()
    assert h["webhook-id"] == "msg_1" and h["webhook-timestamp"] == "1700000000"


def test_verify_accepts_good_and_refuses_tampered_old_or_unsigned():
    body = b'{"a": 1}'
    headers = {k.title(): v for k, v in sign_headers(SECRET, "msg_2", body).items()}  # any header case
    assert verify(body, headers, SECRET) == {"a": 1}
    rotated = dict(headers, **{"Webhook-Signature": "v1,AAAA " + headers["Webhook-Signature"]})
    assert verify(body, rotated, SECRET) == {"a": 1}  # several signatures: one match is enough
    with pytest.raises(WebhookVerificationError, match="签名不匹配"):
        verify(b'{"a": 2}', headers, SECRET)
    with pytest.raises(WebhookVerificationError, match="签名不匹配"):
        verify(body, headers, "whsec_" + base64.b64encode(b"another key").decode())
    old = sign_headers(SECRET, "msg_2", body, timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookVerificationError, match="重放"):
        verify(body, old, SECRET)
    with pytest.raises(WebhookVerificationError, match="缺少"):
        verify(body, {}, SECRET)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::1]:8080/hook", "http://localhost/hook", "http://100.64.1.2/", "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/", "http://192.168.1.10/", "http://[fe80::1]/", "http://224.0.0.1/", "http://[fd00:ec2::254]/",
])
def test_ssrf_guard_refuses_internal_addresses(url):
    with pytest.raises(UnsafeURL) as info:
        check_url(url, Allowlist.parse(""))
    assert info.value.code == "callback.forbidden_address"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://user:pw@example.org/", "http:///nohost", "not a url"])
def test_ssrf_guard_refuses_malformed_urls(url):
    with pytest.raises(UnsafeURL):
        check_url(url, Allowlist.parse(""))


def test_allowlist_admits_hosts_and_cidrs_only():
    assert check_url("http://localhost:9/x", Allowlist.parse("localhost"))
    assert check_url("http://10.1.2.3/x", Allowlist.parse("10.0.0.0/8"))
    assert check_url("http://[::1]/x", Allowlist.parse("::1/128"))
    with pytest.raises(UnsafeURL):
        check_url("http://10.1.2.3/x", Allowlist.parse("192.168.0.0/16, example.org"))


def test_public_address_passes():
    assert check_url("http://93.184.215.14/hook", Allowlist.parse("")) == [__import__("ipaddress").ip_address("93.184.215.14")]


def test_pinned_transport_checks_again_at_connect_time():
    """A URL checked earlier is checked again when the request is made, before connecting."""
    with httpx.Client(transport=PinnedTransport(Allowlist.parse("")), trust_env=False) as client:
        with pytest.raises(UnsafeURL):
            client.post("http://localhost:9/hook", content=b"{}")


def test_pinned_transport_connects_to_the_checked_ip_with_the_original_host_header():
    from service_procs import Receiver

    rx = Receiver(host="127.0.0.1")
    try:
        url = rx.url.replace("127.0.0.1", "localhost")
        with httpx.Client(transport=PinnedTransport(Allowlist.parse("localhost")), trust_env=False) as client:
            assert client.post(url, content=b"{}").status_code == 200
        assert rx.requests[0]["headers"]["Host"].startswith("localhost:")
    finally:
        rx.close()


def test_backoff_grows_with_jitter_and_covers_a_day():
    rng = random.Random(1)
    delays = [backoff(n, 5.0, 3 * 3600.0, rng) for n in range(1, 30)]
    assert all(min(3 * 3600, 5 * 2 ** (n - 1)) <= d <= min(3 * 3600, 1.5 * 5 * 2 ** (n - 1))
               for n, d in enumerate(delays, start=1))  # jitter only lengthens (issue 17)
    assert delays[5] > delays[0] and max(delays) <= 3 * 3600
    assert sum(delays) >= 24 * 3600  # the schedule does reach past a day before the window ends


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 50 <= retry_after_seconds(future) <= 61
