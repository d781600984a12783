"""The exception classes: documented bases, attributes, messages, pickling."""

from __future__ import annotations

import asyncio
import errno
import pickle
import ssl

import pytest

import httpwire_connectors as hc
from httpwire_connectors import exceptions as exc_module

KEY = hc.ConnectionKey("example.test", 443, True, True, None, None, None)
PLAIN_KEY = hc.ConnectionKey("example.test", 80, False, True, None, None, None)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (hc.ClientError, (Exception,)),
        (hc.ClientConnectionError, (hc.ClientError,)),
        (hc.ClientOSError, (hc.ClientConnectionError, OSError)),
        (hc.ClientConnectorError, (hc.ClientOSError,)),
        (hc.ClientConnectorDNSError, (hc.ClientConnectorError,)),
        (hc.ClientProxyConnectionError, (hc.ClientConnectorError,)),
        (hc.UnixClientConnectorError, (hc.ClientConnectorError,)),
        (hc.ClientSSLError, (hc.ClientConnectorError,)),
        (hc.ClientConnectorSSLError, (hc.ClientSSLError, ssl.SSLError)),
        (hc.ClientConnectorCertificateError, (hc.ClientSSLError, ssl.CertificateError)),
        (hc.ServerConnectionError, (hc.ClientConnectionError,)),
        (hc.ServerDisconnectedError, (hc.ServerConnectionError,)),
        (hc.ServerFingerprintMismatch, (hc.ServerConnectionError,)),
        (hc.ServerTimeoutError, (hc.ServerConnectionError, asyncio.TimeoutError)),
        (hc.ConnectionTimeoutError, (hc.ServerTimeoutError,)),
    ],
)
def test_documented_bases(cls: type, bases: tuple[type, ...]) -> None:
    assert cls.__bases__ == bases
    assert cls.__module__ == "httpwire_connectors"


def test_every_exported_exception_is_in_the_docstring_tree() -> None:
    doc = exc_module.__doc__ or ""
    for name in exc_module.__all__:
        assert name in doc, name


def test_connector_error_attributes_and_message() -> None:
    os_error = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    err = hc.ClientConnectorError(KEY, os_error)
    assert (err.host, err.port, err.ssl, err.os_error) == ("example.test", 443, True, os_error)
    assert err.errno == errno.ECONNREFUSED
    assert err.strerror == "Connection refused"
    assert str(err) == "Cannot connect to host example.test:443 ssl:default [Connection refused]"
    assert isinstance(err, OSError)


def test_connector_error_message_shows_ssl_false_and_errorless_os_error() -> None:
    key = PLAIN_KEY._replace(ssl=False)
    err = hc.ClientConnectorDNSError(key, OSError(None, "Name does not resolve"))
    assert str(err) == "Cannot connect to host example.test:80 ssl:False [Name does not resolve]"
    bare = hc.ClientConnectorError(PLAIN_KEY, OSError("boom"))
    assert str(bare).endswith("[boom]")


def test_unix_error_names_the_path() -> None:
    missing = FileNotFoundError(2, "No such file")
    err = hc.UnixClientConnectorError("/run/x.sock", PLAIN_KEY, missing)
    assert err.path == "/run/x.sock"
    assert str(err) == "Cannot connect to unix socket /run/x.sock ssl:default [No such file]"


def test_certificate_error() -> None:
    cert_err = ssl.SSLCertVerificationError(1, "certificate verify failed")
    err = hc.ClientConnectorCertificateError(KEY, cert_err)
    assert err.certificate_error is cert_err
    assert (err.host, err.port, err.ssl) == ("example.test", 443, True)
    assert str(err).startswith("Cannot connect to host example.test:443 ssl:True ")
    assert "SSLCertVerificationError" in str(err)
    assert isinstance(err, ssl.CertificateError)
    assert isinstance(err, ValueError)
    # errno and strerror come from the certificate error, as for any connector error.
    assert (err.errno, err.strerror) == (1, "certificate verify failed")
    assert err.os_error is cert_err
    assert err.args == (KEY, cert_err)


def test_certificate_error_that_is_not_an_os_error() -> None:
    cert_err = ValueError("no peer certificate")
    err = hc.ClientConnectorCertificateError(KEY, cert_err)
    assert (err.errno, err.strerror) == (None, None)
    assert err.certificate_error is cert_err
    assert type(err.os_error) is OSError


def test_ssl_error() -> None:
    err = hc.ClientConnectorSSLError(KEY, ssl.SSLError(1, "wrong version number"))
    assert isinstance(err, ssl.SSLError)
    assert "wrong version number" in str(err)


def test_fingerprint_mismatch() -> None:
    err = hc.ServerFingerprintMismatch(b"\x01" * 32, b"\x02" * 32, "example.test", 443)
    assert (err.expected, err.got) == (b"\x01" * 32, b"\x02" * 32)
    assert (err.host, err.port) == ("example.test", 443)
    assert repr(err).startswith("<ServerFingerprintMismatch expected=b'\\x01")
    assert "example.test:443" in str(err)


def test_server_disconnected_default_message() -> None:
    assert hc.ServerDisconnectedError().message == "Server disconnected"
    assert str(hc.ServerDisconnectedError()) == "Server disconnected"
    assert hc.ServerDisconnectedError("gone").message == "gone"


def test_timeouts_are_asyncio_timeouts() -> None:
    with pytest.raises(asyncio.TimeoutError):
        raise hc.ConnectionTimeoutError("Connection timeout to host http://x/")


@pytest.mark.parametrize(
    "err",
    [
        hc.ClientError("x"),
        hc.ClientConnectionError("x"),
        hc.ClientOSError(errno.EPIPE, "broken"),
        hc.ClientConnectorError(KEY, ConnectionRefusedError(111, "refused")),
        hc.ClientConnectorDNSError(KEY, OSError(None, "nxdomain")),
        hc.ClientProxyConnectionError(KEY, OSError(111, "refused")),
        hc.UnixClientConnectorError("/x", KEY, OSError(2, "missing")),
        hc.ClientConnectorSSLError(KEY, ssl.SSLError(1, "bad")),
        hc.ClientConnectorCertificateError(KEY, ssl.SSLCertVerificationError(1, "bad cert")),
        hc.ServerDisconnectedError("gone"),
        hc.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "h", 1),
        hc.ServerTimeoutError("slow"),
        hc.ConnectionTimeoutError("slow"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_pickle_round_trip(err: BaseException) -> None:
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert str(copy) == str(err)
    assert copy.args[0] == err.args[0] or type(err.args[0]) is type(copy.args[0])
    for attr in ("host", "port", "ssl", "path", "expected", "got", "message"):
        if hasattr(err, attr):
            assert getattr(copy, attr) == getattr(err, attr), attr
