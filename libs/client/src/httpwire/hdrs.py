"""HTTP method and header-name constants at aiohttp's module path (``aiohttp.hdrs``), so client code
such as ``hdrs.CONTENT_TYPE`` or ``hdrs.METH_GET`` runs unchanged."""

# No `from __future__ import annotations`: it would leave a public `annotations` name here, which
# aiohttp.hdrs does not have.

from typing import Final

from multidict import istr as _istr

__all__ = [
    "ACCEPT",
    "ACCEPT_CH",
    "ACCEPT_CHARSET",
    "ACCEPT_ENCODING",
    "ACCEPT_LANGUAGE",
    "ACCEPT_RANGES",
    "ACCESS_CONTROL_ALLOW_CREDENTIALS",
    "ACCESS_CONTROL_ALLOW_HEADERS",
    "ACCESS_CONTROL_ALLOW_METHODS",
    "ACCESS_CONTROL_ALLOW_ORIGIN",
    "ACCESS_CONTROL_EXPOSE_HEADERS",
    "ACCESS_CONTROL_MAX_AGE",
    "ACCESS_CONTROL_REQUEST_HEADERS",
    "ACCESS_CONTROL_REQUEST_METHOD",
    "AGE",
    "ALLOW",
    "ALT_SVC",
    "ALT_USED",
    "AUTHENTICATION_INFO",
    "AUTHORIZATION",
    "BAGGAGE",
    "CACHE_CONTROL",
    "CACHE_STATUS",
    "CDN_CACHE_CONTROL",
    "CDN_LOOP",
    "CLEAR_SITE_DATA",
    "CONNECTION",
    "CONTENT_DIGEST",
    "CONTENT_DISPOSITION",
    "CONTENT_ENCODING",
    "CONTENT_ID",
    "CONTENT_LANGUAGE",
    "CONTENT_LENGTH",
    "CONTENT_LOCATION",
    "CONTENT_MD5",
    "CONTENT_RANGE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "CONTENT_TRANSFER_ENCODING",
    "CONTENT_TYPE",
    "COOKIE",
    "CROSS_ORIGIN_EMBEDDER_POLICY",
    "CROSS_ORIGIN_OPENER_POLICY",
    "CROSS_ORIGIN_RESOURCE_POLICY",
    "DATE",
    "DESTINATION",
    "DIGEST",
    "EARLY_DATA",
    "ETAG",
    "EXPECT",
    "EXPIRES",
    "FORWARDED",
    "FROM",
    "HOST",
    "HOST_ALL",
    "IF_MATCH",
    "IF_MODIFIED_SINCE",
    "IF_NONE_MATCH",
    "IF_RANGE",
    "IF_UNMODIFIED_SINCE",
    "KEEP_ALIVE",
    "LAST_EVENT_ID",
    "LAST_MODIFIED",
    "LINK",
    "LOCATION",
    "MAX_FORWARDS",
    "METH_ALL",
    "METH_ANY",
    "METH_CONNECT",
    "METH_DELETE",
    "METH_GET",
    "METH_HEAD",
    "METH_OPTIONS",
    "METH_PATCH",
    "METH_POST",
    "METH_PUT",
    "METH_TRACE",
    "NEL",
    "ORIGIN",
    "ORIGIN_AGENT_CLUSTER",
    "PERMISSIONS_POLICY",
    "PRAGMA",
    "PRIORITY",
    "PROXY_AUTHENTICATE",
    "PROXY_AUTHENTICATION_INFO",
    "PROXY_AUTHORIZATION",
    "RANGE",
    "REFERER",
    "REFERRER_POLICY",
    "REPORTING_ENDPOINTS",
    "REPORT_TO",
    "REPR_DIGEST",
    "RETRY_AFTER",
    "SEC_CH_UA",
    "SEC_CH_UA_MOBILE",
    "SEC_CH_UA_PLATFORM",
    "SEC_FETCH_DEST",
    "SEC_FETCH_MODE",
    "SEC_FETCH_SITE",
    "SEC_FETCH_USER",
    "SEC_GPC",
    "SEC_PURPOSE",
    "SEC_WEBSOCKET_ACCEPT",
    "SEC_WEBSOCKET_EXTENSIONS",
    "SEC_WEBSOCKET_KEY",
    "SEC_WEBSOCKET_KEY1",
    "SEC_WEBSOCKET_PROTOCOL",
    "SEC_WEBSOCKET_VERSION",
    "SERVER",
    "SERVER_TIMING",
    "SET_COOKIE",
    "STRICT_TRANSPORT_SECURITY",
    "TE",
    "TIMING_ALLOW_ORIGIN",
    "TRACEPARENT",
    "TRACESTATE",
    "TRAILER",
    "TRANSFER_ENCODING",
    "UPGRADE",
    "UPGRADE_INSECURE_REQUESTS",
    "URI",
    "USER_AGENT",
    "VARY",
    "VIA",
    "WANT_CONTENT_DIGEST",
    "WANT_DIGEST",
    "WANT_REPR_DIGEST",
    "WARNING",
    "WWW_AUTHENTICATE",
    "X_CONTENT_TYPE_OPTIONS",
    "X_CORRELATION_ID",
    "X_FORWARDED_FOR",
    "X_FORWARDED_HOST",
    "X_FORWARDED_PORT",
    "X_FORWARDED_PROTO",
    "X_FRAME_OPTIONS",
    "X_POWERED_BY",
    "X_RATELIMIT_LIMIT",
    "X_RATELIMIT_REMAINING",
    "X_RATELIMIT_RESET",
    "X_REAL_IP",
    "X_REQUESTED_WITH",
    "X_REQUEST_ID",
    "X_XSS_PROTECTION",
]

# --- Request methods (RFC 9110 section 9, PATCH from RFC 5789) --------------------------------
# METH_ANY is the wildcard a route table uses for "any method"; it is not in METH_ALL.

METH_ANY: Final[str] = "*"
METH_CONNECT: Final[str] = "CONNECT"
METH_DELETE: Final[str] = "DELETE"
METH_GET: Final[str] = "GET"
METH_HEAD: Final[str] = "HEAD"
METH_OPTIONS: Final[str] = "OPTIONS"
METH_PATCH: Final[str] = "PATCH"
METH_POST: Final[str] = "POST"
METH_PUT: Final[str] = "PUT"
METH_TRACE: Final[str] = "TRACE"

# A mutable ``set``, as in aiohttp (code that extends it keeps working).
METH_ALL: Final[set[str]] = {
    METH_CONNECT,
    METH_DELETE,
    METH_GET,
    METH_HEAD,
    METH_OPTIONS,
    METH_PATCH,
    METH_POST,
    METH_PUT,
    METH_TRACE,
}

# --- HTTP semantics (RFC 9110): content negotiation ------------------------------------------

ACCEPT: Final[_istr] = _istr("Accept")
ACCEPT_CHARSET: Final[_istr] = _istr("Accept-Charset")
ACCEPT_ENCODING: Final[_istr] = _istr("Accept-Encoding")
ACCEPT_LANGUAGE: Final[_istr] = _istr("Accept-Language")
VARY: Final[_istr] = _istr("Vary")

# --- HTTP semantics (RFC 9110): representation metadata and content ----------------------------

CONTENT_ENCODING: Final[_istr] = _istr("Content-Encoding")
CONTENT_LANGUAGE: Final[_istr] = _istr("Content-Language")
CONTENT_LENGTH: Final[_istr] = _istr("Content-Length")
CONTENT_LOCATION: Final[_istr] = _istr("Content-Location")
CONTENT_TYPE: Final[_istr] = _istr("Content-Type")

# --- HTTP semantics (RFC 9110): ranges -------------------------------------------------------

ACCEPT_RANGES: Final[_istr] = _istr("Accept-Ranges")
CONTENT_RANGE: Final[_istr] = _istr("Content-Range")
IF_RANGE: Final[_istr] = _istr("If-Range")
RANGE: Final[_istr] = _istr("Range")

# --- HTTP semantics (RFC 9110): validators and conditional requests --------------------------
# aiohttp spells ETag as "Etag"; istr compares case-insensitively as a CIMultiDict key.

ETAG: Final[_istr] = _istr("Etag")
IF_MATCH: Final[_istr] = _istr("If-Match")
IF_MODIFIED_SINCE: Final[_istr] = _istr("If-Modified-Since")
IF_NONE_MATCH: Final[_istr] = _istr("If-None-Match")
IF_UNMODIFIED_SINCE: Final[_istr] = _istr("If-Unmodified-Since")
LAST_MODIFIED: Final[_istr] = _istr("Last-Modified")

# --- HTTP semantics (RFC 9110): authentication -----------------------------------------------

AUTHENTICATION_INFO: Final[_istr] = _istr("Authentication-Info")
AUTHORIZATION: Final[_istr] = _istr("Authorization")
PROXY_AUTHENTICATE: Final[_istr] = _istr("Proxy-Authenticate")
PROXY_AUTHENTICATION_INFO: Final[_istr] = _istr("Proxy-Authentication-Info")
PROXY_AUTHORIZATION: Final[_istr] = _istr("Proxy-Authorization")
WWW_AUTHENTICATE: Final[_istr] = _istr("WWW-Authenticate")

# --- HTTP semantics (RFC 9110): request context, response context, routing -------------------

ALLOW: Final[_istr] = _istr("Allow")
DATE: Final[_istr] = _istr("Date")
EXPECT: Final[_istr] = _istr("Expect")
FROM: Final[_istr] = _istr("From")
HOST: Final[_istr] = _istr("Host")
LOCATION: Final[_istr] = _istr("Location")
MAX_FORWARDS: Final[_istr] = _istr("Max-Forwards")
REFERER: Final[_istr] = _istr("Referer")
RETRY_AFTER: Final[_istr] = _istr("Retry-After")
SERVER: Final[_istr] = _istr("Server")
USER_AGENT: Final[_istr] = _istr("User-Agent")
VIA: Final[_istr] = _istr("Via")

# Every upper/lower-case spelling of "host" (16 plain strs), for a case-blind membership check
# on a plain-str header name without building an istr.
HOST_ALL: Final[frozenset[str]] = frozenset(
    "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate("host")) for mask in range(16)
)

# --- Connection management and message framing (RFC 9110, RFC 9112; Keep-Alive: RFC 2068) ----

CONNECTION: Final[_istr] = _istr("Connection")
KEEP_ALIVE: Final[_istr] = _istr("Keep-Alive")
TE: Final[_istr] = _istr("TE")
TRAILER: Final[_istr] = _istr("Trailer")
TRANSFER_ENCODING: Final[_istr] = _istr("Transfer-Encoding")
UPGRADE: Final[_istr] = _istr("Upgrade")

# --- Caching (RFC 9111; Cache-Status: RFC 9211; CDN-Cache-Control: RFC 9213; CDN-Loop: RFC 8586)
# Pragma and Warning are deprecated/obsoleted by RFC 9111 but still seen on the wire.

AGE: Final[_istr] = _istr("Age")
CACHE_CONTROL: Final[_istr] = _istr("Cache-Control")
CACHE_STATUS: Final[_istr] = _istr("Cache-Status")
CDN_CACHE_CONTROL: Final[_istr] = _istr("CDN-Cache-Control")
CDN_LOOP: Final[_istr] = _istr("CDN-Loop")
EXPIRES: Final[_istr] = _istr("Expires")
PRAGMA: Final[_istr] = _istr("Pragma")
WARNING: Final[_istr] = _istr("Warning")

# --- Cookies (RFC 6265) ----------------------------------------------------------------------

COOKIE: Final[_istr] = _istr("Cookie")
SET_COOKIE: Final[_istr] = _istr("Set-Cookie")

# --- MIME bodies and links (RFC 2045, RFC 2392, RFC 1864, RFC 6266, RFC 8288) ----------------

CONTENT_DISPOSITION: Final[_istr] = _istr("Content-Disposition")
CONTENT_ID: Final[_istr] = _istr("Content-ID")
CONTENT_MD5: Final[_istr] = _istr("Content-MD5")
CONTENT_TRANSFER_ENCODING: Final[_istr] = _istr("Content-Transfer-Encoding")
LINK: Final[_istr] = _istr("Link")

# --- Legacy and WebDAV (URI: RFC 2068; Destination: RFC 4918) --------------------------------

DESTINATION: Final[_istr] = _istr("Destination")
URI: Final[_istr] = _istr("URI")

# --- Integrity digests (RFC 9530; Digest and Want-Digest: RFC 3230, obsoleted by it) ---------

CONTENT_DIGEST: Final[_istr] = _istr("Content-Digest")
DIGEST: Final[_istr] = _istr("Digest")
REPR_DIGEST: Final[_istr] = _istr("Repr-Digest")
WANT_CONTENT_DIGEST: Final[_istr] = _istr("Want-Content-Digest")
WANT_DIGEST: Final[_istr] = _istr("Want-Digest")
WANT_REPR_DIGEST: Final[_istr] = _istr("Want-Repr-Digest")

# --- Alternative services, 0-RTT, prioritization (RFC 7838, RFC 8470, RFC 9218) --------------

ALT_SVC: Final[_istr] = _istr("Alt-Svc")
ALT_USED: Final[_istr] = _istr("Alt-Used")
EARLY_DATA: Final[_istr] = _istr("Early-Data")
PRIORITY: Final[_istr] = _istr("Priority")

# --- WebSocket handshake (RFC 6455; Sec-WebSocket-Key1 is from the older hixie-76 draft) -----

SEC_WEBSOCKET_ACCEPT: Final[_istr] = _istr("Sec-WebSocket-Accept")
SEC_WEBSOCKET_EXTENSIONS: Final[_istr] = _istr("Sec-WebSocket-Extensions")
SEC_WEBSOCKET_KEY: Final[_istr] = _istr("Sec-WebSocket-Key")
SEC_WEBSOCKET_KEY1: Final[_istr] = _istr("Sec-WebSocket-Key1")
SEC_WEBSOCKET_PROTOCOL: Final[_istr] = _istr("Sec-WebSocket-Protocol")
SEC_WEBSOCKET_VERSION: Final[_istr] = _istr("Sec-WebSocket-Version")

# --- Origins and CORS (RFC 6454, WHATWG Fetch; Timing-Allow-Origin: W3C Resource Timing) -----

ACCESS_CONTROL_ALLOW_CREDENTIALS: Final[_istr] = _istr("Access-Control-Allow-Credentials")
ACCESS_CONTROL_ALLOW_HEADERS: Final[_istr] = _istr("Access-Control-Allow-Headers")
ACCESS_CONTROL_ALLOW_METHODS: Final[_istr] = _istr("Access-Control-Allow-Methods")
ACCESS_CONTROL_ALLOW_ORIGIN: Final[_istr] = _istr("Access-Control-Allow-Origin")
ACCESS_CONTROL_EXPOSE_HEADERS: Final[_istr] = _istr("Access-Control-Expose-Headers")
ACCESS_CONTROL_MAX_AGE: Final[_istr] = _istr("Access-Control-Max-Age")
ACCESS_CONTROL_REQUEST_HEADERS: Final[_istr] = _istr("Access-Control-Request-Headers")
ACCESS_CONTROL_REQUEST_METHOD: Final[_istr] = _istr("Access-Control-Request-Method")
ORIGIN: Final[_istr] = _istr("Origin")
TIMING_ALLOW_ORIGIN: Final[_istr] = _istr("Timing-Allow-Origin")

# --- Browser security policies (RFC 6797, RFC 7034, W3C CSP/Permissions/Referrer, HTML) -------
# X-XSS-Protection is a legacy header that current browsers ignore.

CLEAR_SITE_DATA: Final[_istr] = _istr("Clear-Site-Data")
CONTENT_SECURITY_POLICY: Final[_istr] = _istr("Content-Security-Policy")
CONTENT_SECURITY_POLICY_REPORT_ONLY: Final[_istr] = _istr("Content-Security-Policy-Report-Only")
CROSS_ORIGIN_EMBEDDER_POLICY: Final[_istr] = _istr("Cross-Origin-Embedder-Policy")
CROSS_ORIGIN_OPENER_POLICY: Final[_istr] = _istr("Cross-Origin-Opener-Policy")
CROSS_ORIGIN_RESOURCE_POLICY: Final[_istr] = _istr("Cross-Origin-Resource-Policy")
ORIGIN_AGENT_CLUSTER: Final[_istr] = _istr("Origin-Agent-Cluster")
PERMISSIONS_POLICY: Final[_istr] = _istr("Permissions-Policy")
REFERRER_POLICY: Final[_istr] = _istr("Referrer-Policy")
STRICT_TRANSPORT_SECURITY: Final[_istr] = _istr("Strict-Transport-Security")
UPGRADE_INSECURE_REQUESTS: Final[_istr] = _istr("Upgrade-Insecure-Requests")
X_CONTENT_TYPE_OPTIONS: Final[_istr] = _istr("X-Content-Type-Options")
X_FRAME_OPTIONS: Final[_istr] = _istr("X-Frame-Options")
X_XSS_PROTECTION: Final[_istr] = _istr("X-XSS-Protection")

# --- Fetch metadata, Sec-Purpose and Global Privacy Control request headers ------------------

SEC_FETCH_DEST: Final[_istr] = _istr("Sec-Fetch-Dest")
SEC_FETCH_MODE: Final[_istr] = _istr("Sec-Fetch-Mode")
SEC_FETCH_SITE: Final[_istr] = _istr("Sec-Fetch-Site")
SEC_FETCH_USER: Final[_istr] = _istr("Sec-Fetch-User")
SEC_GPC: Final[_istr] = _istr("Sec-GPC")
SEC_PURPOSE: Final[_istr] = _istr("Sec-Purpose")

# --- Client hints (RFC 8942, WICG User-Agent Client Hints) -----------------------------------

ACCEPT_CH: Final[_istr] = _istr("Accept-CH")
SEC_CH_UA: Final[_istr] = _istr("Sec-CH-UA")
SEC_CH_UA_MOBILE: Final[_istr] = _istr("Sec-CH-UA-Mobile")
SEC_CH_UA_PLATFORM: Final[_istr] = _istr("Sec-CH-UA-Platform")

# --- Reporting and timing (W3C Reporting, Network Error Logging, Server Timing) ---------------

NEL: Final[_istr] = _istr("NEL")
REPORTING_ENDPOINTS: Final[_istr] = _istr("Reporting-Endpoints")
REPORT_TO: Final[_istr] = _istr("Report-To")
SERVER_TIMING: Final[_istr] = _istr("Server-Timing")

# --- Distributed tracing (W3C Trace Context and Baggage: lower-case by specification) --------

BAGGAGE: Final[_istr] = _istr("baggage")
TRACEPARENT: Final[_istr] = _istr("traceparent")
TRACESTATE: Final[_istr] = _istr("tracestate")

# --- Server-sent events (WHATWG HTML) --------------------------------------------------------

LAST_EVENT_ID: Final[_istr] = _istr("Last-Event-ID")

# --- Proxies and forwarding (Forwarded: RFC 7239; the X- forms are de facto) -----------------

FORWARDED: Final[_istr] = _istr("Forwarded")
X_FORWARDED_FOR: Final[_istr] = _istr("X-Forwarded-For")
X_FORWARDED_HOST: Final[_istr] = _istr("X-Forwarded-Host")
X_FORWARDED_PORT: Final[_istr] = _istr("X-Forwarded-Port")
X_FORWARDED_PROTO: Final[_istr] = _istr("X-Forwarded-Proto")
X_REAL_IP: Final[_istr] = _istr("X-Real-IP")

# --- Other widely used de facto headers (request correlation, rate limits, AJAX, branding) ---

X_CORRELATION_ID: Final[_istr] = _istr("X-Correlation-ID")
X_POWERED_BY: Final[_istr] = _istr("X-Powered-By")
X_RATELIMIT_LIMIT: Final[_istr] = _istr("X-RateLimit-Limit")
X_RATELIMIT_REMAINING: Final[_istr] = _istr("X-RateLimit-Remaining")
X_RATELIMIT_RESET: Final[_istr] = _istr("X-RateLimit-Reset")
X_REQUESTED_WITH: Final[_istr] = _istr("X-Requested-With")
X_REQUEST_ID: Final[_istr] = _istr("X-Request-ID")
