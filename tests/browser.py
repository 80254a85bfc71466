"""A real headless browser for the page tests: Debian's Chromium, driven by Playwright.

Playwright (PyPI) drives the system browser (``executable_path``), so no browser is downloaded.
Chromium is started with the flags that keep it from reaching for Google (no background
networking, no component updates, no sync), and every page is opened in a context that lets
requests reach 127.0.0.1 only and records any other, so a test can require that a page asks
nothing of the network (no CDN, no font, no tracker). Where Chromium is not installed, the
tests that need it are skipped and say so.
"""

from __future__ import annotations

import contextlib
import shutil
import struct
import urllib.parse
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--font-render-hinting=none",
]
NOT_INSTALLED = "Chromium is not installed (Debian: apt-get install chromium)"
VIEWPORT = {"width": 1100, "height": 760}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium for the module's tests; each test opens its own contexts."""
    if CHROMIUM is None:
        pytest.skip(NOT_INSTALLED)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def loopback_context(browser: Any, **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser context (no cookies, no storage) that may reach 127.0.0.1 only.

    Yields the context and the list of the URLs it was kept from reaching; a test asserts the
    list is empty. ``options`` are Playwright's ``new_context`` options (``locale``,
    ``java_script_enabled``…).
    """
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, **options)
    refused: list[str] = []

    def only_loopback(route: Any) -> None:
        url = route.request.url
        if urllib.parse.urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    try:
        yield context, refused
    finally:
        context.close()


def png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values among a sample of a PNG's pixels.

    A screenshot of a blank or unstyled page has very few; a page of text, links, colours and
    tables has many. Read with the standard library only (PNG chunks, zlib); the bytes are the
    filtered scanlines, which is enough to tell a page from an empty one.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, width, height, idat = 8, 0, 0, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    pixels = zlib.decompress(idat)
    return width, height, len(set(pixels[:: max(1, len(pixels) // 200_000)]))
