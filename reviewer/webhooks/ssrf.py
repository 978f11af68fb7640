"""SSRF guard for callback URLs.

A URL is refused when its host resolves to a loopback, private, link-local,
CGNAT, metadata, unspecified, multicast or reserved address (IPv4 or IPv6),
unless the host or the address is in REVIEWER_WEBHOOK_ALLOWLIST. The check runs
at submit time and again for every delivery: ``PinnedTransport`` resolves,
checks, and connects to the checked address itself (keeping Host and TLS SNI),
so a DNS answer that changes between check and connect cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services outside the ranges the ipaddress flags already cover.
_METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class UnsafeURL(ValueError):
    """The callback URL is not allowed; ``code`` is stable, the message is Chinese first."""

    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(f"{message_zh}（{message_en}）")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class Allowlist:
    hosts: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def parse(cls, text: str | None) -> Allowlist:
        hosts, nets = set(), []
        for item in (text or "").split(","):
            item = item.strip().lower()
            if not item:
                continue
            try:
                nets.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                hosts.add(item)
        return cls(frozenset(hosts), tuple(nets))

    def admits_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def admits_ip(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)


# IPv6 prefixes whose low 32 bits are an IPv4 address that the traffic reaches (RFC 6052, 8215, 6145).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_V4_COMPATIBLE = ipaddress.ip_network("::/96")  # ::a.b.c.d (deprecated, still routed by some stacks)
_V4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT ::ffff:0:a.b.c.d


def embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    out: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        out.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        out.append(ip.sixtofour)
    if ip.teredo is not None:
        out.extend(ip.teredo)  # (server, client)
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in net for net in _NAT64) or ip in _V4_TRANSLATED or (ip in _V4_COMPATIBLE and int(ip) > 1):
        out.append(low)
    return out


def is_forbidden(ip: IPAddress) -> bool:
    """Non-public, or an IPv6 form that embeds a non-public IPv4 (judged by the embedded address)."""
    return _forbidden_itself(ip) or any(_forbidden_itself(v4) for v4 in embedded_ipv4(ip))


def _forbidden_itself(ip: IPAddress) -> bool:
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_unspecified
            or ip.is_reserved or ip in _METADATA or (ip.version == 4 and ip in _CGNAT)
            or not ip.is_global)


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL("callback.invalid", "回调地址格式错误", "invalid callback URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL("callback.invalid", "回调地址须为 http 或 https 网址", "callback URL must be http(s)://host/…")
    if parts.username or parts.password:
        raise UnsafeURL("callback.invalid", "回调地址不得包含用户名或密码", "credentials in callback URL are not allowed")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL("callback.unresolvable", f"无法解析回调地址的主机名 {host}",
                        f"cannot resolve callback host {host}") from exc
    out: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out


def check_url(url: str, allowlist: Allowlist) -> list[IPAddress]:
    """Resolve the URL's host; return its addresses if all are allowed, else raise UnsafeURL."""
    _scheme, host, port = _split(url)
    ips = resolve(host, port)
    if allowlist.admits_host(host):
        return ips
    for ip in ips:
        if is_forbidden(ip) and not allowlist.admits_ip(ip):
            raise UnsafeURL("callback.forbidden_address",
                            f"回调地址 {host} 解析到内网、回环、链路本地或元数据地址 {ip}，已拒绝",
                            f"callback host {host} resolves to a non-public address {ip}")
    return ips


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by a fixed moment (time.monotonic)."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self._inner, self._deadline = inner, deadline

    def _left(self, timeout: float | None, exc: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise exc("delivery attempt deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, with every connection bound to one deadline: a peer that sends a
    byte just before each read timeout cannot hold the request past it."""

    def __init__(self, deadline: float):
        self._inner, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("delivery attempt deadline passed")
        stream = self._inner.connect_tcp(host, port, left if timeout is None else min(timeout, left),
                                         local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover - never used
        raise httpcore.ConnectError("unix sockets are not used for deliveries")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """Checks every request's host and connects to the checked IP (Host header and SNI unchanged).

    ``deadline`` (a time.monotonic moment) bounds the whole exchange, not only each read."""

    def __init__(self, allowlist: Allowlist, deadline: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self._allowlist = allowlist
        if deadline is not None:
            # httpx builds its httpcore pool without a way to pass a network backend: build it here
            self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                                 retries=kwargs.get("retries", 0),
                                                 network_backend=_DeadlineBackend(deadline))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        ips = check_url(str(request.url), self._allowlist)
        ip = ips[0]
        request.url = request.url.copy_with(host=str(ip))
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        return super().handle_request(request)
