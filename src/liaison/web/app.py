"""The FastAPI application: ``create_app(db)`` builds one over one store, with no global state."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from liaison import __version__
from liaison.model import period_text
from liaison.store import Store
from liaison.web.asgi import Hardened, ResponseCache
from liaison.web.cache import RecordCache
from liaison.web.errors import NotFound

HERE = Path(__file__).resolve().parent
# Browser libraries installed by `make setup` (npm), served from these files only.
VENDOR = {
    "vega.js": "vega/build/vega.min.js",
    "vega-lite.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.js": "vega-embed/build/vega-embed.min.js",
    "vis-network.js": "vis-network/standalone/umd/vis-network.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",  # /docs, served from here: no CDN
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}


def node_modules() -> Path | None:
    for base in (Path.cwd(), HERE.parents[2], HERE.parents[3]):
        candidate = base / "node_modules"
        if candidate.is_dir():
            return candidate
    return None


def app_from_env() -> FastAPI:
    """For `liaison serve --workers N`: each worker process opens the database LIAISON_DB names."""
    import os

    return create_app(os.environ["LIAISON_DB"], read_only=os.environ.get("LIAISON_READ_ONLY") == "1")


def create_app(db: str, *, store: Store | None = None, read_only: bool = False, limits=None) -> FastAPI:
    """``read_only`` refuses every write; ``limits`` (web.ratelimit.Limits) bounds writes and searches."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.store.close()

    app = FastAPI(title="Liaison", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The record of inter-party diplomacy: documents, entities, events, participations, "
                              "quotes and figures, each with its evidence. Read-only.")
    app.state.store = store or Store.open(db, create=False, read_only=read_only)
    app.state.cache = RecordCache(app.state.store)  # views kept until the record changes
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals["version"] = __version__
    app.state.templates.env.filters["period"] = period_text  # "2017-10" -> "Oct 2017"
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    modules = node_modules()

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendor(name: str):
        if name not in VENDOR or modules is None or not (modules / VENDOR[name]).is_file():
            return Response("not installed: run `make setup` (npm install) for the explorer's charts",
                            status_code=404, media_type="text/plain")
        return FileResponse(modules / VENDOR[name], headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request):
        """The API's own documentation (Swagger UI), every file of it from this server."""
        return app.state.templates.TemplateResponse(request, "docs.html", {})

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return RedirectResponse("/docs", status_code=301)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return app.state.templates.TemplateResponse(request, "error.html", {"message": str(exc)}, status_code=404)

    from liaison.web import api, curation, pages

    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)
    curation.install(app, read_only=read_only, limits=limits)  # sign-in, write routes, rate limits
    # outside the rate limits: an answer kept costs nothing, so it is no search to limit
    app.add_middleware(ResponseCache)
    app.add_middleware(Hardened)  # outermost: every answer gets the security headers
    return app
