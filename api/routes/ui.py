"""The Persian web UI: a landing page, the jobseeker, office, occupation-coding and analyst
pages, their static files and the Noto Sans Arabic font.

The pages are plain HTML, CSS and JavaScript from ``api/web`` (no build step, nothing fetched
from elsewhere); their scripts call the ``/v1`` API with the key the user typed. Serving
them needs no key, and they stay out of the OpenAPI schema: they are not part of the API.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Annotated, Any

import jdatetime
from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from analytics.periods import PERSIAN_MONTHS
from api.errors import error_response
from api.routes.analytics import DEFAULT_FIRST, DEFAULT_LAST
from karyab.records import Education
from nlp.places import cities, provinces
from storage.schema import APPLICATION_STATUSES

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
STATIC_DIR = WEB_DIR / "static"
PAGES = ("jobseeker", "office", "coding", "analyst")
TITLES: dict[str, str] = {
    "home": "کاریاب",
    "jobseeker": "پیشنهاد شغل برای رزومه",
    "office": "فهرست کوتاه نامزدها",
    "coding": "کدگذاری شغل‌ها",
    "analyst": "تحلیل بازار کار",
}
_STATIC_NAME = r"^[a-z0-9][a-z0-9_-]*\.(css|js|svg)$"
_MEDIA_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
}
# The pages load nothing from elsewhere and run no inline script; charts are blob: images.
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; "
        "style-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@functools.cache
def _page_html(page: str) -> str:
    """The page's body inside the shared layout (read once: the files ship with the code)."""
    layout = (WEB_DIR / "layout.html").read_text(encoding="utf-8")
    main = (WEB_DIR / "pages" / f"{page}.html").read_text(encoding="utf-8")
    script = f'<script type="module" src="/ui/static/{page}.js"></script>' if page != "home" else ""
    return (
        layout.replace("{{title}}", TITLES[page])
        .replace("{{page}}", page)
        .replace("{{script}}", script)
        .replace(f'data-nav="{page}"', f'data-nav="{page}" aria-current="page"')
        .replace("{{main}}", main)
    )


def _page(page: str) -> HTMLResponse:
    return HTMLResponse(_page_html(page), headers=_PAGE_HEADERS)


@router.get("/", response_class=HTMLResponse)
def home() -> HTMLResponse:
    return _page("home")


@functools.cache
def font_file() -> Path | None:
    """Noto Sans Arabic from its pip package (it covers Latin letters and digits too)."""
    try:
        import fontpkg_noto_sans_arabic
    except ImportError:
        logger.warning("fontpkg_noto_sans_arabic is not installed; pages use system fonts")
        return None
    found = sorted((Path(fontpkg_noto_sans_arabic.ROOT) / "files").glob("*.ttf"))
    return found[0] if found else None


@router.get("/ui/static/fonts/noto-sans-arabic.ttf")
def font() -> Response:
    path = font_file()
    if path is None:
        return error_response(404, "not_found", "the Persian font is not installed")
    return FileResponse(
        path, media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/ui/static/{name}")
def static(name: Annotated[str, PathParam(max_length=80)]) -> Response:
    """A file of ``api/web/static`` by its plain name (no folders, so no way out of it)."""
    match = re.fullmatch(_STATIC_NAME, name)
    path = STATIC_DIR / name
    if match is None or not path.is_file():
        return error_response(404, "not_found", f"no static file {name!r}")
    return FileResponse(
        path, media_type=_MEDIA_TYPES[match.group(1)], headers={"Cache-Control": "no-cache"}
    )


@router.get("/ui/reference.json")
def reference() -> JSONResponse:
    """What the pages' pickers list: places, education levels, outcomes, Jalali months."""
    today = jdatetime.date.today()
    body: dict[str, Any] = {
        "provinces": list(provinces()),  # the page sorts them by the Persian alphabet
        "cities": list(dict.fromkeys(cities())),
        "educations": [{"value": e.value, "label": e.label_fa} for e in Education],
        "statuses": list(APPLICATION_STATUSES),
        "months": list(PERSIAN_MONTHS),
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "period": {"first": DEFAULT_FIRST, "last": DEFAULT_LAST},
    }
    return JSONResponse(body, headers={"Cache-Control": "no-cache"})


# Last: ``/ui/{page}`` would otherwise take ``/ui/reference.json``.
@router.get("/ui/{name}", response_class=HTMLResponse)
def page(name: Annotated[str, PathParam(max_length=40)]) -> Response:
    if name not in PAGES:
        return error_response(404, "not_found", f"no page {name!r}")
    return _page(name)
