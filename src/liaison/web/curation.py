"""Writing to the record: sign-in, and the routes and pages people correct the record with.

``install(app, read_only=…, limits=…)`` wires it all onto one app: the users of its
database, the session signer (keyed by ``auth.signing_key``, kept outside the database),
the rate limiter, the read-only guard and the routes. Nothing here is global.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timezone
from typing import Optional
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liaison import curate
from liaison.store.users import User, Users
from liaison.web import auth
from liaison.web.ratelimit import Limiter, Limits, category

MAX_FORM_BYTES = 64_000
MAX_JSON_BYTES = 1_000_000  # a judgement is a few hundred bytes; a batch of them far less than this

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["curation"])


def install(app: FastAPI, *, read_only: bool = False, limits: Limits | None = None) -> None:
    users = Users(app.state.store.engine)
    app.state.users = users
    app.state.read_only = read_only
    app.state.sessions = auth.Sessions(auth.signing_key(app.state.store.engine.url, read_only=read_only))
    app.state.limiter = Limiter(limits or Limits())
    app.state.templates.env.globals["curation"] = curation_context

    app.add_middleware(WriteGuard)

    @app.exception_handler(auth.AuthError)
    async def auth_error(request: Request, exc: auth.AuthError):
        return denied(request, exc)

    @app.exception_handler(curate.JudgementError)
    async def judgement_error(request: Request, exc: curate.JudgementError):
        return denied(request, auth.AuthError(400, str(exc)))

    @app.exception_handler(curate.NotAllowed)
    async def not_allowed(request: Request, exc: curate.NotAllowed):
        return denied(request, auth.AuthError(403, str(exc)))

    app.state.write_lock = threading.Lock()  # one judgement (and its re-resolution) at a time per app
    env = app.state.templates.env.globals
    env.update(history_of=history_of, members_of=members_of, merge_choices=merge_choices,
               judged_notice=judged_notice, describe=curate.describe)

    app.include_router(api, prefix="/api")
    app.include_router(pages)


class WriteGuard:
    """Writes and searches, before their route: read-only servers, bodies refused from their headers,
    rate limits. Any other request passes straight through (an ASGI middleware, not Starlette's
    ``BaseHTTPMiddleware``, whose cost every reader would pay)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        kind = category(scope["method"], scope["path"])
        if kind is None:
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        refusal = await self.refusal(request, kind)
        if refusal is not None:
            return await refusal(scope, receive, send)
        await self.app(scope, receive, send)
        if kind == "write":  # what this app changed is seen by its next reader, not a second later
            request.app.state.cache.changed()

    @staticmethod
    async def refusal(request: Request, kind: str) -> Response | None:
        if kind == "write" and request.app.state.read_only:
            return denied(request, auth.AuthError(
                403, "This server is read-only (started with `liaison serve --read-only`): it refuses every change."))
        user = await run_in_threadpool(auth.identify, request)
        if kind == "write":  # settled on the headers, before a byte of the body is read
            refused = body_refused(request, user)
            if refused is not None:
                return denied(request, refused)
        key = f"user:{user.name}" if user else f"client:{request.client.host if request.client else '-'}"
        wait = request.app.state.limiter.check(kind, key)
        if wait:
            message = f"Too many {'changes' if kind == 'write' else 'searches'} at once: try again in {wait}s."
            response = (JSONResponse({"detail": message}, status_code=429)
                        if request.url.path.startswith("/api/") else
                        HTMLResponse(f"<p>{message}</p>", status_code=429))
            response.headers["Retry-After"] = str(wait)
            return response
        return None


def body_refused(request: Request, user) -> auth.AuthError | None:
    """Why a write's body is not to be read at all: too large for what it says it is, of no stated
    length, or sent by nobody who may write (only the sign-in form is read from anybody)."""
    api = request.url.path.startswith("/api/")
    if user is None and request.url.path not in ("/login", "/logout"):
        try:  # the same answer the route would give, only before the body is read
            auth.require_writer(request)
        except auth.AuthError as exc:
            return exc
    limit = MAX_JSON_BYTES if api else MAX_FORM_BYTES
    declared = request.headers.get("content-length")
    if declared is None:
        if request.headers.get("transfer-encoding"):
            return auth.AuthError(411, "Send the body with its Content-Length (chunked bodies are not read).")
    elif not declared.isdigit():
        return auth.AuthError(400, "The Content-Length header is not a number.")
    elif int(declared) > limit:
        return auth.AuthError(413, f"The body is too large ({int(declared):,} bytes; at most {limit:,}).")
    return None


def denied(request: Request, exc: auth.AuthError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="liaison"'} if exc.status == 401 else {}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request, "denied.html", {"message": exc.message, "status": exc.status,
                                 "next": safe_next(request.headers.get("referer", "") or "/", request)},
        status_code=exc.status, headers=headers)


def curation_context(request: Request) -> dict:
    """For templates: who is signed in, the CSRF token for their forms, whether writing is possible."""
    state = request.app.state
    user = auth.identify(request) if auth.bearer(request) is None else None
    session = auth.session_of(request) if user else None
    return {"user": user, "csrf": state.sessions.csrf(session) if session else "",
            "read_only": state.read_only, "can_write": user is not None and not state.read_only}


async def read_form(request: Request) -> dict[str, list[str]]:
    """An url-encoded form body (the explorer's forms), bounded in size."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise auth.AuthError(400, f"The form is too large ({len(body):,} bytes; at most {MAX_FORM_BYTES:,}).")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if body and kind != "application/x-www-form-urlencoded":
        raise auth.AuthError(400, f"Forms are sent as application/x-www-form-urlencoded, not {kind or 'nothing'}.")
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def one(form: dict[str, list[str]], key: str, default: str = "") -> str:
    values = form.get(key)
    return values[0].strip() if values else default


def safe_next(target: str, request: Request) -> str:
    """Where to go after a form: a path on this site only (never another site)."""
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.headers.get("host", ""):
        return "/"
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path + (f"?{parts.query}" if parts.query else "")


# -- signing in and out ---------------------------------------------------------------------


def cookie_args(request: Request, max_age: int, path: str = "/") -> dict:
    return dict(max_age=max_age, path=path, httponly=True, samesite="strict", secure=request.url.scheme == "https")


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/"):
    return login_form(request, safe_next(next, request))


def login_form(request: Request, next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = request.app.state.templates.TemplateResponse(
        request, "login.html", {"csrf_login": nonce, "next": next_path, "error": error}, status_code=status)
    response.set_cookie(auth.LOGIN_COOKIE, nonce, **cookie_args(request, 1800, "/login"))
    return response


@pages.post("/login")
async def login(request: Request):
    form = await read_form(request)
    auth.check_origin(request)
    next_path = safe_next(one(form, "next", "/"), request)
    expected = request.cookies.get(auth.LOGIN_COOKIE, "")
    given = one(form, "csrf")
    if not expected or not given or not secrets.compare_digest(expected, given):
        return login_form(request, next_path, "The sign-in form expired: try again.", status=403)
    user = await run_in_threadpool(request.app.state.users.by_token, one(form, "token"))
    if user is None:
        return login_form(request, next_path, "That token is not valid (unknown, rotated or revoked).", status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, request.app.state.sessions.issue(user),
                        **cookie_args(request, request.app.state.sessions.max_age))
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
    return response


@pages.post("/logout")
async def logout(request: Request):
    form = await read_form(request)
    auth.check_origin(request)
    session = auth.session_of(request)
    if session is not None and not request.app.state.sessions.csrf_ok(session, one(form, "csrf")):
        raise auth.AuthError(403, "The form's CSRF token is missing or stale: reload the page and try again.")
    if session is not None:  # a copy of the cookie made before now is dead too
        expires = datetime.fromtimestamp(session.issued + request.app.state.sessions.max_age, timezone.utc)
        request.app.state.users.end_session(session.nonce, expires.replace(tzinfo=None))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@api.get("/me")
def me(request: Request):
    """Who the bearer token belongs to (401 without a valid one)."""
    if auth.bearer(request) is None:
        raise auth.AuthError(401, "Send `Authorization: Bearer <token>` to see who it belongs to.")
    user = auth.identify(request)
    if user is None:
        raise auth.AuthError(401, "That token is not valid (unknown, rotated or revoked).")
    return {"name": user.name, "role": user.role, "read_only": request.app.state.read_only}


def login_href(request: Request) -> str:
    return "/login?next=" + quote(request.url.path)


# -- judgements: one function behind the API and the forms -------------------------------------


def decide(request: Request, user: User, action: str, target: str, *, other: str | None = None,
           field: str | None = None, value: str | None = None, members: list[str] | None = None,
           why: str = "") -> dict:
    """Make a judgement as ``user``, with their role (``curate`` holds the rule of who may undo what)."""
    store = request.app.state.store
    with request.app.state.write_lock:
        if action in ("merge", "distinct") and other:
            other = id_for_name(store.record(), target, other)
        return curate.judge(store, action, target, other=other or None, field=field or None, value=value,
                            members=members or None, author=user.name, role=user.role, why=why)


def _folded(name: str) -> str:
    return " ".join((name or "").casefold().split())


def id_for_name(record, target: str, other: str) -> str:
    """The merge box takes a name as well as an id: an exact name (or alias; case and spacing aside)
    of one other entity of the target's type, or one other event, becomes its id."""
    other = other.strip()
    if other.startswith((*curate.ENTITY_PREFIXES, "evt-")) or not target.startswith((*curate.ENTITY_PREFIXES, "evt-")):
        return other
    target = record.canonical(target.strip())
    wanted = _folded(other)
    if target.startswith("evt-"):
        kind, rows = "event", record.events()
        hits = [r for r in rows if _folded(r["name"]) == wanted and r["id"] != target]
        label = "start"
    else:
        thing = record.entity(target)
        if thing is None:
            return other  # judge says there is no such entity
        kind, rows = thing["type"], record.entities(type=thing["type"])
        hits = [r for r in rows if r["id"] != target and
                wanted in {_folded(n) for n in (r["name"], *(r.get("aliases") or []))}]
        label = "country"
    if len(hits) == 1:
        return hits[0]["id"]
    if not hits:
        raise curate.JudgementError(f"no other {kind} is named {other!r}: type its id, or pick a name from the list")
    choices = "; ".join(f"{r['id']} ({r['name']}, {r.get(label) or '—'})" for r in hits[:10])
    kinds = {"person": "people", "party": "parties", "country": "countries", "organization": "organizations"}
    raise curate.JudgementError(f"{len(hits)} {kinds.get(kind, kind + 's')} are named {other!r}: "
                                f"merge with one by its id: {choices}")


class JudgementIn(BaseModel):
    target: str = Field(..., max_length=200, description="entity or event id, part:EVENT:ENTITY, quote:N, figure:N; "
                                                         "for undo, the judgement's number")
    other: Optional[str] = Field(None, max_length=200, description="merge/distinct: the second entity or event")
    field: Optional[str] = Field(None, max_length=32, description="correct: the field to set")
    value: Optional[str] = Field(None, max_length=500, description="correct: its right value")
    members: Optional[list[str]] = Field(None, max_length=500, description="split: DOC or DOC:KEY to detach")
    why: str = Field("", max_length=2000)


def api_writer(request: Request) -> User:
    return auth.require_writer(request)


@api.post("/judgements/{action}", status_code=201)
def make_judgement(request: Request, action: str, body: JudgementIn, user: User = Depends(api_writer)):
    """Merge, split, correct, reject, confirm, distinct or undo (token required; see `liaison users add`).

    Returns the judgement as stored, with its outcome after the record was re-resolved.
    """
    return decide(request, user, action, body.target, other=body.other, field=body.field, value=body.value,
                  members=body.members, why=body.why)


@api.get("/judgements")
def list_judgements(request: Request, outcome: Optional[str] = Query(None, pattern="^(applied|orphaned|undone)$")):
    """Every judgement, oldest first (or only those with one outcome, e.g. orphaned)."""
    return {"items": curate.judgements(request.app.state.store, outcome=outcome)}


@api.get("/history/{some_id}")
def api_history(request: Request, some_id: str):
    """The judgements about an entity or event (the ids merged into it, its participations), newest first."""
    return {"id": request.app.state.store.record().canonical(some_id),
            "items": curate.history(request.app.state.store, some_id)}


def review(request: Request, limit: int) -> list:
    """The review queue (a scan of the whole record), computed once until the record changes."""
    items = request.app.state.cache.get("review", lambda: curate.review_queue(request.app.state.store, limit=200))
    return items[:limit]


@api.get("/review")
def api_review(request: Request, limit: int = Query(50, ge=1, le=200)):
    """Pairs the resolver kept apart but that look alike, best first, with evidence side by side."""
    return {"items": review(request, limit)}


# -- the explorer's forms and pages -------------------------------------------------------------


@pages.post("/curate/{action}")
async def curate_form(request: Request, action: str):
    form = await read_form(request)
    user = auth.require_writer(request, form=form)
    next_path = safe_next(one(form, "next") or request.headers.get("referer", "/"), request)
    members = [m for m in form.get("member", []) if m.strip()]
    row = await run_in_threadpool(
        decide, request, user, action, one(form, "target"), other=one(form, "other"), field=one(form, "field"),
        value=one(form, "value"), members=members, why=one(form, "why"))
    where = thing_after(request, row) or next_path.split("?")[0]
    return RedirectResponse(f"{where}?judged={row['id']}#curate", status_code=303)


def thing_after(request: Request, row: dict) -> str | None:
    """The page to show after a judgement: the thing it is about, under the id it has now."""
    target = row.get("current") or row["target"]
    if row["action"] in ("merge", "split", "correct", "confirm", "distinct") and target.startswith("evt-"):
        return f"/events/{target}"
    if row["action"] in ("merge", "split", "correct", "confirm", "distinct") and \
            target.startswith(curate.ENTITY_PREFIXES):
        return f"/entities/{target}"
    return None


@pages.get("/review", response_class=HTMLResponse)
def review_page(request: Request, limit: int = Query(30, ge=1, le=200)):
    return request.app.state.templates.TemplateResponse(request, "review.html", {"items": review(request, limit)})


# -- what the templates ask for ------------------------------------------------------------------


def history_of(request: Request, some_id: str) -> list[dict]:
    return curate.history(request.app.state.store, some_id)


def members_of(request: Request, kind: str, some_id: str) -> list[dict]:
    """The per-document facts a thing holds, with their documents' titles: the split checkboxes."""
    record = request.app.state.store.record()
    rows = record.members(kind, some_id)
    titles = {doc: record.document_title(doc) for doc in {r[0] for r in rows}}
    return [{"document": d, "key": k, "name": n, "title": titles.get(d) or d} for d, k, n in rows]


def merge_choices(request: Request, kind: str, thing: dict, limit: int = 400) -> list[dict]:
    """Things one could merge this one with: same type (entities) or any event; the most documented first."""
    record = request.app.state.store.record()
    rows = record.entities(type=thing["type"], limit=limit) if kind == "entity" else record.events(limit=limit)
    return [{"id": r["id"], "label": f"{r['name']} ({(r.get('start') if kind == 'event' else r.get('country')) or '—'})"}
            for r in rows if r["id"] != thing["id"]]


def judged_notice(request: Request) -> dict | None:
    raw = request.query_params.get("judged", "")
    if not raw.isdigit():
        return None
    return request.app.state.store.record().judgement(int(raw))

