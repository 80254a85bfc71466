"""No form of a credential reaches an error, whatever the endpoint echoes and wherever a cut falls.

The attack run found three leaks: a content type carrying the password was echoed as it was; a
redirect's ``Location`` was cut to 200 characters before it was scrubbed, leaving 12 of 13
password characters (or the decodable start of the basic-auth token); and a URL whose password
holds an unencoded ``/``, ``#`` or ``?`` was printed whole. Each endpoint here echoes a secret
in one more way: as sent, percent-encoded, as the token, cut by a length limit at every offset.
"""

from __future__ import annotations

import base64
import http.server
import threading
import urllib.parse
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from cph_kg import CphKgError
from cph_kg.cli import main
from cph_kg.store.remote import MESSAGE_LIMIT, RemoteStore, scrub

USER, SECRET = "alice", "Zq7pa55w0rdX"
TOKEN = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()


def leaked(text: str) -> list[str]:
    """Every piece of a credential form (4 characters or more) found in ``text``."""
    forms = {SECRET, TOKEN, urllib.parse.quote(SECRET, safe=""), f"{USER}:{SECRET}"}
    lowered = text.lower()
    return sorted(
        form[start : start + 4]
        for form in forms
        for start in range(len(form) - 3)
        if form[start : start + 4].lower() in lowered
        and form[start : start + 4] not in ("alic", "lice")
    )


class Echo(http.server.BaseHTTPRequestHandler):
    """Echoes the credentials back in the way ``server.how`` names."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        how, padding = self.server.how, self.server.padding
        if how == "content-type":
            self.send_response(200)
            self.send_header("Content-Type", f"text/x-{SECRET}; charset={TOKEN}")
        else:
            secret = {"password": SECRET, "token": TOKEN, "encoded": urllib.parse.quote(SECRET)}
            self.send_response(302)
            self.send_header("Location", f"http://elsewhere/{'x' * padding}{secret[how]}/end")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def echo() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    server.how, server.padding = "password", 0
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _error(server: http.server.ThreadingHTTPServer) -> str:
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    with pytest.raises(CphKgError) as caught:
        RemoteStore(url, user=USER, password=SECRET, timeout=5).query("ASK {}")
    return str(caught.value)


def test_a_content_type_carrying_the_secret_is_scrubbed(echo) -> None:
    echo.how = "content-type"
    message = _error(echo)
    assert "did not answer with SPARQL JSON results" in message
    assert leaked(message) == []


@pytest.mark.parametrize("how", ["password", "token", "encoded"])
def test_a_redirect_cut_anywhere_leaks_nothing(echo, how: str) -> None:
    """The Location is padded so that the message's cut falls at every offset of the secret."""
    echo.how = how
    for padding in range(150, 150 + 2 * MESSAGE_LIMIT, 7):
        echo.padding = padding
        message = _error(echo)
        assert "redirect" in message and len(message) <= MESSAGE_LIMIT + 1
        assert leaked(message) == [], (padding, message)


@pytest.mark.parametrize("cut", range(0, 40))
def test_scrub_cuts_after_scrubbing(cut: int) -> None:
    message = "x" * (MESSAGE_LIMIT - cut) + SECRET + " and more"
    assert leaked(scrub(message, [SECRET, TOKEN])) == []


@pytest.mark.parametrize("password", ["pa/ss", "pa#ss", "pa?ss", "12/34", "p@ss/w#rd?x"])
def test_a_password_with_a_delimiter_in_the_url_is_never_shown(password: str) -> None:
    """``http://u:pa/ss@host/`` ends its authority at ``/``: refused, the password not shown."""
    url = f"http://{USER}:{password}@127.0.0.1:9/query"
    with pytest.raises(CphKgError) as caught:
        RemoteStore(url)
    assert password not in str(caught.value) and password[-3:] not in str(caught.value)
    result = CliRunner(env={"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""}).invoke(
        main, ["query", "obligations", "--endpoint", url]
    )
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert password[-3:] not in result.output, result.output


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:99999/q", "http://a:b:c@[x/"])
def test_a_url_python_cannot_split_is_one_line(url: str) -> None:
    result = CliRunner(env={"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""}).invoke(
        main, ["query", "obligations", "--endpoint", url]
    )
    assert result.exit_code == 2 and "must be an http(s) URL" in result.output, result.output
    assert result.output.count("\n") == 1
