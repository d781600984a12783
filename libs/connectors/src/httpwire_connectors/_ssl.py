"""TLS settings: the ``ssl`` argument's four forms, the shared default contexts, fingerprints.

Everything that decides which :class:`ssl.SSLContext` a connection uses lives here, so the
connector only asks "which context, and which fingerprint to check afterwards".
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import threading
from typing import TYPE_CHECKING, TypeAlias

from .exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorSSLError,
    ServerFingerprintMismatch,
)

if TYPE_CHECKING:
    from ._interfaces import ConnectionKey

__all__ = ["Fingerprint"]

#: What ``ssl=`` accepts once ``None`` has been turned into ``True``.
SSLSetting: TypeAlias = "ssl.SSLContext | bool | Fingerprint"

_SHA256_LEN = 32
_ALPN = ["http/1.1"]


class Fingerprint:
    """The expected SHA-256 digest of the server's DER certificate, checked after the handshake.

    Only SHA-256 is accepted: digests of MD5 or SHA-1 length raise :class:`ValueError`, as
    does any other length. A fingerprint replaces certificate verification (the handshake uses
    an unverified context), so a matching digest is all that is trusted.
    """

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes) -> None:
        if not isinstance(fingerprint, bytes | bytearray):
            raise TypeError(f"fingerprint must be bytes, not {type(fingerprint).__name__}")
        length = len(fingerprint)
        if length in (16, 20):
            raise ValueError("md5 and sha1 fingerprints are insecure and not supported; use sha256")
        if length != _SHA256_LEN:
            raise ValueError(f"a sha256 fingerprint is 32 bytes long, got {length}")
        self._fingerprint = bytes(fingerprint)

    @property
    def fingerprint(self) -> bytes:
        """The expected digest."""
        return self._fingerprint

    def check(
        self, transport: asyncio.BaseTransport, host: str | None = None, port: int | None = None
    ) -> None:
        """Raise :class:`ServerFingerprintMismatch` unless the peer's certificate matches.

        ``host`` and ``port`` name the endpoint in the error; the peer address is used when they
        are not given. A transport without TLS is left alone.
        """
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        der = ssl_object.getpeercert(binary_form=True)
        got = hashlib.sha256(der if der is not None else b"").digest()
        if got != self._fingerprint:
            if host is None:
                peer = transport.get_extra_info("peername") or ("", None)
                host, port = peer[0], peer[1]
            raise ServerFingerprintMismatch(self._fingerprint, got, host or "", port)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprint) and other._fingerprint == self._fingerprint

    def __hash__(self) -> int:
        return hash(("Fingerprint", self._fingerprint))

    def __repr__(self) -> str:
        return f"<Fingerprint sha256={self._fingerprint.hex()}>"

    def __reduce__(self) -> tuple[type[Fingerprint], tuple[bytes]]:
        return (Fingerprint, (self._fingerprint,))


Fingerprint.__module__ = "httpwire_connectors"


def normalize_ssl(value: object) -> SSLSetting:
    """Check a connector's or request's ``ssl`` argument; ``None`` becomes ``True`` (default)."""
    if value is None:
        return True
    if isinstance(value, bool | ssl.SSLContext | Fingerprint):
        return value
    raise TypeError(
        "ssl should be None, True, False, an ssl.SSLContext or a Fingerprint, "
        f"got {value!r} of type {type(value).__name__}"
    )


_lock = threading.Lock()
_verified: ssl.SSLContext | None = None
_unverified: ssl.SSLContext | None = None


def _build_verified() -> ssl.SSLContext:
    global _verified
    with _lock:
        if _verified is None:
            ctx = ssl.create_default_context()
            ctx.set_alpn_protocols(_ALPN)
            _verified = ctx
        return _verified


def unverified_context() -> ssl.SSLContext:
    """The shared context for ``ssl=False`` and fingerprints: TLS without verification."""
    global _unverified
    with _lock:
        if _unverified is None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.options |= ssl.OP_NO_COMPRESSION
            ctx.set_alpn_protocols(_ALPN)
            _unverified = ctx
        return _unverified


async def verified_context() -> ssl.SSLContext:
    """The shared default verifying context, built once in a worker thread.

    Loading the system's CA store reads files, so the first call does it off the event loop.
    """
    if _verified is not None:
        return _verified
    return await asyncio.get_running_loop().run_in_executor(None, _build_verified)


def choose_context(
    request_ssl: SSLSetting, connector_ssl: SSLSetting
) -> tuple[ssl.SSLContext | None, Fingerprint | None]:
    """Pick the context for a TLS connection and the fingerprint to check after the handshake.

    The request's own setting wins unless it is ``True`` ("the connector's"). ``None`` as the
    context means the default verifying one (see :func:`verified_context`).
    """
    chosen = request_ssl if request_ssl is not True else connector_ssl
    if isinstance(chosen, ssl.SSLContext):
        return chosen, None
    if isinstance(chosen, Fingerprint):
        return unverified_context(), chosen
    if chosen is False:
        return unverified_context(), None
    return None, None


def classify_ssl_error(key: ConnectionKey, exc: Exception) -> Exception | None:
    """Map a TLS failure onto the certificate or general TLS connector error, else ``None``."""
    if isinstance(exc, ssl.CertificateError):
        return ClientConnectorCertificateError(key, exc)
    if isinstance(exc, ssl.SSLError):
        return ClientConnectorSSLError(key, exc)
    return None
