"""HTTP Digest authentication (RFC 7616) as a client middleware, as aiohttp 3.12+ offers it.

The middleware answers a ``401`` carrying a ``Digest`` challenge by sending the request again
with credentials computed from it, and (``preemptive``) reuses the challenge for later requests
in its protection space. Credentials are tied to the origin of the first request it handles, so
they never go to another origin unless that origin's challenge listed it in ``domain``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from typing import Final

from yarl import URL

from ._middlewares import ClientHandlerType
from ._reqrep import ClientRequest, ClientResponse
from .exceptions import ClientError

__all__ = ["DigestAuthMiddleware"]


def _hex_digest(name: str) -> Callable[[bytes], str]:
    def digest(data: bytes) -> str:
        return hashlib.new(name, data).hexdigest()

    return digest


def _hashes() -> dict[str, Callable[[bytes], str]]:
    """Each algorithm name a challenge may give (and its ``-SESS`` variant) to its H()."""
    table: dict[str, Callable[[bytes], str]] = {}
    for names, constructor in (
        (("MD5",), "md5"),
        (("SHA",), "sha1"),
        (("SHA-256", "SHA256"), "sha256"),
        (("SHA-512", "SHA512"), "sha512"),
        (("SHA-512-256",), "sha512_256"),
    ):
        if constructor in hashlib.algorithms_available:
            for name in names:
                table[name] = table[name + "-SESS"] = _hex_digest(constructor)
    return table


_HASHES: Final = _hashes()

#: The hash algorithms understood, as a server may name them (with their ``-sess`` variants).
SUPPORTED_ALGORITHMS: Final = tuple(sorted(_HASHES))

_CHALLENGE_FIELDS: Final = ("realm", "nonce", "qop", "algorithm", "opaque", "domain", "stale")
_QUOTED: Final = frozenset({"username", "realm", "nonce", "uri", "response", "opaque", "cnonce"})

# One auth-param (``name = token / quoted-string``) or one bare token (a scheme name), with the
# comma that may follow; RFC 9110 §11.2.
_ITEM: Final = re.compile(
    r'\s*([!#$%&\'*+\-.^_`|~0-9A-Za-z]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+)))?\s*,?'
)
_UNESCAPE: Final = re.compile(r"\\(.)")


def parse_challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The challenges of ``WWW-Authenticate`` field values: (lower-cased scheme, params)."""
    challenges: list[tuple[str, dict[str, str]]] = []
    for value in values:
        pos = 0
        while pos < len(value):
            m = _ITEM.match(value, pos)
            if m is None or m.end() == pos:
                break  # not an auth-param: the rest of this value is not understood
            pos = m.end()
            name, quoted, token = m.groups()
            if quoted is None and token is None:
                # A bare token starts a new challenge; its parameters follow.
                challenges.append((name.lower(), {}))
            elif challenges:
                text = _UNESCAPE.sub(r"\1", quoted) if quoted is not None else token
                challenges[-1][1][name.lower()] = text
    return challenges


def digest_response(
    algorithm: str,
    login: str,
    password: str,
    realm: str,
    nonce: str,
    method: str,
    uri: str,
    *,
    qop: str = "",
    nc: str = "",
    cnonce: str = "",
    entity: bytes = b"",
) -> str:
    """The ``response`` value of RFC 7616 §3.4.1 (``algorithm`` upper-cased, a supported one)."""
    digest = _HASHES[algorithm]
    ha1 = digest(f"{login}:{realm}:{password}".encode())
    if algorithm.endswith("-SESS"):
        ha1 = digest(f"{ha1}:{nonce}:{cnonce}".encode())
    a2 = f"{method}:{uri}"
    if qop == "auth-int":
        a2 += ":" + digest(entity)
    ha2 = digest(a2.encode())
    if qop:
        return digest(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}".encode())
    return digest(f"{ha1}:{nonce}:{ha2}".encode())


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class DigestAuthMiddleware:
    """Answer ``Digest`` challenges (RFC 7616) with ``login`` and ``password``.

    Use it as ``ClientSession(middlewares=(DigestAuthMiddleware("user", "pass"),))``. Algorithms
    MD5, SHA, SHA-256, SHA-512, SHA-512-256 and their ``-sess`` variants, ``qop`` ``auth`` and
    ``auth-int``. A challenge the middleware cannot answer (no realm or nonce, an empty nonce,
    an unknown algorithm or qop) raises :class:`~httpwire.ClientError`.
    """

    def __init__(self, login: str, password: str, preemptive: bool = True) -> None:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in username (RFC 1945#section-11.1)')
        self._login = login
        self._password = password
        self._preemptive = preemptive
        self._challenge: dict[str, str] = {}
        self._nonce = ""
        self._nonce_count = 0
        self._space: list[str] = []
        self._origin: URL | None = None

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Send ``request``; on a Digest challenge, once more with its answer."""
        origin = request.url.origin()
        if self._origin is None:
            self._origin = origin
        elif origin != self._origin and not self._in_space(request.url):
            return await handler(request)
        if self._preemptive and self._challenge and self._in_space(request.url):
            request.headers["Authorization"] = await self._authorization(request)
        response = await handler(request)
        if not self._take_challenge(response):
            return response
        await _discard(response)
        request.headers["Authorization"] = await self._authorization(request)
        response = await handler(request)
        self._take_challenge(response)  # a stale nonce is replaced for the next request
        return response

    def _in_space(self, url: URL) -> bool:
        """Whether ``url`` is in the protection space of the last challenge (RFC 7616 §3.3)."""
        target = str(url)
        for prefix in self._space:
            if target.startswith(prefix) and (
                len(target) == len(prefix) or prefix.endswith("/") or target[len(prefix)] == "/"
            ):
                return True
        return False

    def _take_challenge(self, response: ClientResponse) -> bool:
        """Keep the Digest challenge of a 401 response; whether there was one."""
        if response.status != 401:
            return False
        for scheme, params in parse_challenges(response.headers.getall("WWW-Authenticate", [])):
            if scheme == "digest" and params:
                self._challenge = {k: params[k] for k in _CHALLENGE_FIELDS if k in params}
                origin = response.url.origin()
                # Stray quotes around or instead of a URI are dropped; with no URI left, the
                # space is the whole origin (RFC 7616 §3.3).
                raw_uris = params.get("domain", "").split()
                uris = [uri for uri in (raw.strip('"') for raw in raw_uris) if uri]
                self._space = [
                    str(origin.join(URL(uri))) if uri.startswith("/") else str(URL(uri))
                    for uri in uris
                ] or [str(origin)]
                return bool(self._challenge)
        return False

    async def _authorization(self, request: ClientRequest) -> str:
        """The ``Authorization`` value answering the kept challenge for ``request``."""
        challenge = self._challenge
        for required in ("realm", "nonce"):
            if required not in challenge:
                raise ClientError(
                    f"Malformed Digest auth challenge: Missing {required!r} parameter"
                )
        realm, nonce = challenge["realm"], challenge["nonce"]
        if not nonce:
            raise ClientError("Security issue: Digest auth challenge contains empty 'nonce' value")
        algorithm_name = challenge.get("algorithm", "MD5")
        algorithm = algorithm_name.upper()
        if algorithm not in _HASHES:
            raise ClientError(
                f"Digest auth error: Unsupported hash algorithm: {algorithm}. "
                f"Supported algorithms: {', '.join(SUPPORTED_ALGORITHMS)}"
            )
        qop = ""
        offered = challenge.get("qop", "")
        if offered:
            qops = {q.strip() for q in offered.split(",")}
            if "auth-int" in qops:
                qop = "auth-int"
            elif "auth" in qops:
                qop = "auth"
            else:
                raise ClientError(
                    f"Digest auth error: Unsupported Quality of Protection (qop) value(s): "
                    f"{offered}"
                )
        uri = request.url.raw_path_qs
        if nonce == self._nonce:
            self._nonce_count += 1
        else:
            self._nonce, self._nonce_count = nonce, 1
        nc = f"{self._nonce_count:08x}"
        cnonce = os.urandom(8).hex()
        entity = b""
        if qop == "auth-int" and request._body is not None:
            entity = await request._body.as_bytes()
        answer = digest_response(
            algorithm,
            self._login,
            self._password,
            realm,
            nonce,
            request.method,
            uri,
            qop=qop,
            nc=nc,
            cnonce=cnonce,
            entity=entity,
        )
        fields = {
            "username": self._login,
            "realm": realm,
            "nonce": nonce,
            "uri": uri,
            "response": answer,
            "algorithm": algorithm_name,
        }
        if challenge.get("opaque"):
            fields["opaque"] = challenge["opaque"]
        if qop:
            fields.update(qop=qop, nc=nc, cnonce=cnonce)
        return "Digest " + ", ".join(
            f'{k}="{_quote(v)}"' if k in _QUOTED else f"{k}={v}" for k, v in fields.items()
        )


async def _discard(response: ClientResponse) -> None:
    """Finish with a challenge response: read a small body so the connection is reused."""
    length = response.content_length
    if length is not None and length <= 65536:
        try:
            await response.read()
        finally:
            response.release()
    else:
        response.release()
