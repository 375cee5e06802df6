"""A report as PDF: the HTML printed by headless Chromium through Playwright, with the network cut off."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class PdfUnavailable(RuntimeError):
    """No browser to print with; the message says what to install."""


def chromium() -> Path:
    """Where Chromium is: LIAISON_CHROMIUM, `chromium` on PATH, or /usr/bin/chromium."""
    found = os.environ.get("LIAISON_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise PdfUnavailable(f"a PDF report needs Chromium and none is at {found}: install it (apt-get install "
                             "chromium) or set LIAISON_CHROMIUM, or write -o report.html instead")
    return Path(found)


def html_to_pdf(html: str, path: Path) -> Path:
    browser_path = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency
        raise PdfUnavailable("a PDF report needs the playwright package; write -o report.html instead") from None
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(browser_path),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                context = browser.new_context()
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                              else route.abort())
                page = context.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                page.pdf(path=str(path), format="A4", print_background=True,
                         margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
            finally:
                browser.close()
    return path
