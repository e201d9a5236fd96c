"""Webhooks: which URLs alerts may go to, a POST that goes there and nowhere else, and its signature.

A subscriber chooses the URL, so without care the platform would POST wherever
it points: the cloud's metadata service (169.254.169.254), a database on the
private network, localhost. The URL is checked when it is set (a clear 422) and
again at each delivery on the addresses its name resolves to *then* (DNS may
have changed meanwhile). The connection goes to the address that was checked,
never to a second resolution, and redirects are not followed.

In production only ``https`` on port 443 is accepted. Local runs accept ``http``
and any port, and ``ARDOISE_WEBHOOK_ALLOW_PRIVATE`` (on locally, off in
production) lets tests and demos use a receiver on the loopback.

Deliveries are signed as the Standard Webhooks specification says
(https://www.standardwebhooks.com/), so that subscribers verify them with its
reference libraries in any language: ``webhook-id`` (the same on every retry
of one delivery), ``webhook-timestamp`` (Unix seconds of the attempt) and
``webhook-signature``, a space-separated list of ``v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">``, one per secret in force (two for a day after a
rotation). A secret reads ``whsec_`` + base64 of its key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from functions.core.tokens import sign

# Returns the IP addresses (as text) a host name resolves to for a TCP port.
Resolver = Callable[[str, int], list[str]]


class UnsafeTarget(ValueError):
    """A webhook URL we refuse to call; ``code`` is stable, ``message`` is French."""

    def __init__(self, code: str, message: str, *, malformed: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # Malformed: not a usable http(s) URL at all (400); otherwise a policy refusal (422).
        self.malformed = malformed


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: where to connect (``address``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the system's resolver; every address, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(text: str) -> bool:
    """Tell whether an IP address is a public unicast one (IPv4 inside IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(text.partition("%")[0])  # an IPv6 zone (fe80::1%eth0) is local anyway
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    refused = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
    return ip.is_global and not (refused or ip.is_reserved or ip.is_unspecified)


def _malformed(detail: str) -> UnsafeTarget:
    return UnsafeTarget("url_invalide", detail, malformed=True)


def check_target(url: str, *, production: bool, allow_private: bool, resolve: Resolver = system_resolver) -> Target:
    """Return where ``url`` may be reached, or raise :class:`UnsafeTarget` saying why not."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise _malformed("Une adresse http(s):// complète est attendue.")
    if parts.username is not None or parts.password is not None:
        raise _malformed("L'adresse ne doit pas contenir d'identifiants (utilisateur:mot-de-passe@).")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise _malformed("Nom d'hôte ou port invalide.") from exc
    if production and (scheme != "https" or port != 443):
        raise UnsafeTarget("https_requis", "Une adresse https:// sur le port 443 est attendue.")
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget("hote_introuvable", "Ce nom d'hôte ne correspond à aucune adresse.") from exc
    if not addresses:
        raise UnsafeTarget("hote_introuvable", "Ce nom d'hôte ne correspond à aucune adresse.")
    # Every address must be public: a name that also resolves to a private one could be steered there.
    if not allow_private and not all(is_public_address(address) for address in addresses):
        raise UnsafeTarget(
            "adresse_interdite",
            "Cette adresse mène à un réseau privé, local ou réservé : seules les adresses publiques sont acceptées.",
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked address; the Host header still names the host."""

    address = ""

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate is verified for the host name (SNI too)."""

    address = ""

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = _tls().wrap_socket(raw, server_hostname=self.host)


@cache
def _tls() -> ssl.SSLContext:
    # Built on first use: loading the CA bundle would slow every cold start.
    return ssl.create_default_context()


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target.host, target.port, timeout=timeout)
    connection.address = target.address
    return connection


def _cut(connection: http.client.HTTPConnection) -> None:
    # Shutting the socket down wakes a thread blocked reading it (closing would not).
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return  # already closed by the sender: nothing left to cut


def post(target: Target, body: bytes, headers: Mapping[str, str], *, timeout: float, total_seconds: float) -> int:
    """POST ``body`` to the target and return the status code; redirects are not followed.

    ``timeout`` bounds each network operation, ``total_seconds`` the whole
    exchange, so that a receiver trickling its answer byte by byte cannot hold a
    sender. Raises OSError or http.client.HTTPException on network failures.
    """
    connection = _connection(target, timeout)
    watchdog = threading.Timer(total_seconds, _cut, (connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers=dict(headers))
        return connection.getresponse().status
    finally:
        watchdog.cancel()
        connection.close()


# -- signing (Standard Webhooks) ---------------------------------------------------

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the specification gives secrets, not a secret
# Nonces of the secrets made since Standard Webhooks start with this.
_KEY_NONCE = "k_"


def new_nonce() -> str:
    """Return the nonce of a new secret (the secret itself is derived, never stored)."""
    return _KEY_NONCE + secrets.token_hex(8)


def derive_secret(platform_key: str, subscriber_id: str, nonce: str) -> str:
    """Return the webhook secret a subscriber was given: ``whsec_`` + base64 of a key derived from ``nonce``."""
    message = f"webhook:{subscriber_id}:{nonce}"
    if not nonce.startswith(_KEY_NONCE):
        # Secrets made before Standard Webhooks read "whsec_" + 64 hex digits, and receivers
        # hold that text. Hex digits are base64 digits too: the reference libraries read
        # them as a 48-byte key, so those secrets verify both ways without a new one.
        return SECRET_PREFIX + sign(platform_key, message)
    key = hmac.new(platform_key.encode(), message.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(key).decode()


def secret_key(secret: str) -> bytes:
    """Return the HMAC key a ``whsec_`` secret stands for, decoded as the reference libraries decode it."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def message_id(delivery_id: str) -> str:
    """Return the ``webhook-id`` of a delivery: stable across its retries, without the "." the scheme splits on."""
    return "msg_" + hashlib.sha256(delivery_id.encode()).hexdigest()[:32]


def standard_signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """Return one ``v1,<base64>`` signature of ``"<id>.<timestamp>.<body>"``."""
    digest = hmac.new(secret_key(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def legacy_signature(secret: str, timestamp: int, body: str) -> str:
    """Return the transition's ``Ardoise-Signature``: hex HMAC of ``"<timestamp>.<body>"``, keyed by the secret text."""
    return f"v1={sign(secret, f'{timestamp}.{body}')}"
