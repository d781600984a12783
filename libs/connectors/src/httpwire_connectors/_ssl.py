"""TLS settings: the ``ssl`` argument's four forms, the shared default contexts, fingerprints.

Everything that decides which :class:`ssl.SSLContext` a connection uses lives here, so the
connector only asks "which context, and which fingerprint to check afterwards".
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

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

    #: The hash function a digest's length stands for, as aiohttp publishes it; the MD5 and SHA-1
    #: entries are there only to recognise (and refuse) those digests.
    HASHFUNC_BY_DIGESTLEN: ClassVar[dict[int, Callable[..., Any]]] = {
        16: hashlib.md5,
        20: hashlib.sha1,
        32: hashlib.sha256,
    }

    __slots__ = ("_fingerprint", "_hashfunc")

    def __init__(self, fingerprint: bytes) -> None:
        if not isinstance(fingerprint, bytes | bytearray):
            raise TypeError(f"fingerprint must be bytes, not {type(fingerprint).__name__}")
        length = len(fingerprint)
        hashfunc = self.HASHFUNC_BY_DIGESTLEN.get(length)
        if hashfunc is hashlib.md5 or hashfunc is hashlib.sha1:
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        if hashfunc is None:
            raise ValueError(
                f"fingerprint has invalid length: a sha256 one is {_SHA256_LEN} bytes, got {length}"
            )
        self._hashfunc = hashfunc
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
        got: bytes = self._hashfunc(der if der is not None else b"").digest()
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


_EXCLUSIVE = "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually exclusive"


def merge_ssl_params(
    ssl_value: object, verify_ssl: object, ssl_context: object, fingerprint: object
) -> SSLSetting:
    """Fold aiohttp 3.x's deprecated ``verify_ssl``, ``ssl_context``, ``fingerprint`` into ``ssl``.

    Each one in use warns (:class:`DeprecationWarning`) and may only be combined with the
    default ``ssl``; anything else raises :class:`ValueError`. ``verify_ssl=True`` and the
    ``None`` values mean "not in use", so they neither warn nor conflict.
    """
    merged = normalize_ssl(ssl_value)
    if verify_ssl is not None and not isinstance(verify_ssl, bool):
        raise TypeError(f"verify_ssl must be a bool, got {verify_ssl!r}")
    if ssl_context is not None and not isinstance(ssl_context, ssl.SSLContext):
        raise TypeError(f"ssl_context must be an ssl.SSLContext or None, got {ssl_context!r}")
    if fingerprint is not None and not isinstance(fingerprint, bytes | bytearray):
        raise TypeError(f"fingerprint must be bytes or None, got {fingerprint!r}")
    if verify_ssl is False:
        _deprecated("verify_ssl is deprecated, use ssl=False instead")
        if merged is not True:
            raise ValueError(_EXCLUSIVE)
        merged = False
    if ssl_context is not None:
        _deprecated("ssl_context is deprecated, use ssl=context instead")
        if merged is not True:
            raise ValueError(_EXCLUSIVE)
        merged = ssl_context
    if fingerprint is not None:
        _deprecated("fingerprint is deprecated, use ssl=Fingerprint(fingerprint) instead")
        if merged is not True:
            raise ValueError(_EXCLUSIVE)
        merged = Fingerprint(bytes(fingerprint))
    return merged


def _deprecated(message: str) -> None:
    # Points at the code that called the connector's constructor.
    warnings.warn(message, DeprecationWarning, stacklevel=4)


def normalize_ssl(value: object) -> SSLSetting:
    """Check a connector's or request's ``ssl`` argument; ``None`` becomes ``True`` (default)."""
    if value is None:
        return True
    if isinstance(value, bool | ssl.SSLContext | Fingerprint):
        return value
    raise TypeError(f"ssl should be SSLContext, bool, Fingerprint or None, got {value!r} instead.")


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
