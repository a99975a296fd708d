"""PDF from our own HTML with WeasyPrint: A4, tagged (PDF/UA-1), and offline.

The HTML never loads anything: the print stylesheet is read from the static files and every
URL fetch is refused, so a PDF cannot be made to reach the network or the file system.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NoReturn

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PRINT_CSS = "kompass/css/print.css"


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"Externe Ressourcen sind im PDF nicht erlaubt: {url[:80]}")


@cache
def _stylesheet() -> CSS:
    path = finders.find(PRINT_CSS)
    if not path:
        raise FileNotFoundError(PRINT_CSS)
    with open(str(path), encoding="utf-8") as handle:
        return CSS(string=handle.read())


def pdf_from_html(html: str) -> bytes:
    document = HTML(string=html, url_fetcher=_NoFetching(), base_url="about:blank")
    result = document.write_pdf(stylesheets=[_stylesheet()], pdf_variant="pdf/ua-1")
    assert isinstance(result, bytes)
    return result
