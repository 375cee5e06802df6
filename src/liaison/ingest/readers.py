"""Readers: turn a path (file, folder, glob or ``-`` for stdin) into raw documents.

Each reader yields :class:`~liaison.model.RawDocument` for what it could read and
:class:`ReadFailure` for what it could not, so one bad file never stops a batch.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from liaison.model import RawDocument

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = set(TEXT_SUFFIXES) | HTML_SUFFIXES | JSONL_SUFFIXES
# Files a folder walk passes over: they describe a corpus, they are not part of it.
FOLDER_SKIP = re.compile(r"^(readme|license|licence|notice|changelog)(\.\w+)?$", re.I)
STDIN = "-"
WESTERN = ("cp1252", "latin_1", "iso8859_15")
# No article has a line this long; a text that does is generated or hostile (and slow to clean).
MAX_LINE = 200_000
# Front matter holds a title, a date, a few names: more than this is not metadata.
MAX_FRONT_MATTER = 64_000
MAX_FRONT_MATTER_DEPTH = 50
# Bad lines of one JSON Lines file named one by one; past this they are counted in one failure.
MAX_NAMED_FAILURES = 100


@dataclass
class ReadFailure:
    source: str
    reason: str


@dataclass
class Expansion:
    """The files a set of path arguments names, and the arguments that named none."""

    files: list[str] = field(default_factory=list)
    missing: list[ReadFailure] = field(default_factory=list)


def expand_paths(paths: Iterable[str]) -> Expansion:
    """Files named by each argument: a file, a folder (walked recursively), a glob or ``-``.

    Only what the user named is read: a folder walk does not follow symbolic links
    out of the folder, and hidden files and corpus READMEs are passed over.
    """
    out = Expansion()
    seen: set[str] = set()

    def add(path: str) -> None:
        if path not in seen:
            seen.add(path)
            out.files.append(path)

    for arg in paths:
        if arg == STDIN:
            add(STDIN)
            continue
        path = Path(arg)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as exc:  # inside a folder we may not enter
            out.missing.append(ReadFailure(arg, f"cannot read: {exc.strerror or exc}"))
            continue
        if is_dir:
            _walk(path, add, out.missing)
        elif exists:
            add(str(path))
        elif path.is_symlink():
            out.missing.append(ReadFailure(arg, _broken_link(path)))
        elif glob.has_magic(arg):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if not matches:
                out.missing.append(ReadFailure(arg, "the pattern matches no file"))
            root = glob_root(arg).resolve()
            for match in matches:
                if not Path(match).resolve().is_relative_to(root):  # through a link out of the folder
                    out.missing.append(ReadFailure(match, "symbolic link leads outside the folder; not read"))
                    continue
                add(match)
        else:
            out.missing.append(ReadFailure(arg, "no such file or folder"))
    unique = {(m.source, m.reason): m for m in out.missing}  # a pipe met in a folder and named too
    out.missing = list(unique.values())
    return out


def _broken_link(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 says a loop this way
        return "symbolic link loop; not read"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; not read"
        return f"symbolic link to nothing ({os.readlink(path)}); not read"
    return "symbolic link that cannot be followed; not read"


def _walk(folder: Path, add, missing: list) -> None:
    """A folder's files, recursively, in order: hidden entries and corpus READMEs are passed over;
    what cannot be read (a folder we may not enter, a pipe, a dangling or looping link, a link out
    of the folder) is named with its reason, and the walk goes on."""
    root = folder.resolve()

    def unreadable(exc: OSError) -> None:
        missing.append(ReadFailure(exc.filename or str(folder), f"folder cannot be read: {exc.strerror or exc}"))

    for here, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(here)
        for name in list(dirs):  # a link to a folder is not walked: its files are named or outside
            if (base / name).is_symlink():
                dirs.remove(name)
                if not (base / name).resolve().is_relative_to(root):
                    missing.append(ReadFailure(str(base / name), "symbolic link leads outside the folder; not read"))
        for name in sorted(files):
            if name.startswith(".") or FOLDER_SKIP.match(name):
                continue
            child = base / name
            if child.is_symlink():
                if not child.exists():
                    missing.append(ReadFailure(str(child), _broken_link(child)))
                    continue
                if not child.resolve().is_relative_to(root):
                    missing.append(ReadFailure(str(child), "symbolic link leads outside the folder; not read"))
                    continue
            try:
                mode = child.stat().st_mode
            except OSError as exc:
                missing.append(ReadFailure(str(child), f"cannot read: {exc.strerror or exc}"))
                continue
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                missing.append(ReadFailure(str(child), "not a regular file (a pipe, device or socket); not read"))
                continue
            add(str(child))


def glob_root(pattern: str) -> Path:
    """The folder a pattern names before its first wildcard (``corpus/**/*.txt`` → ``corpus``)."""
    parts = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (with or without BOM), else the detected encoding, said as a warning."""
    warnings: list[str] = []
    bom = unicode_bom(data)
    if bom:
        try:
            return data.decode(bom), warnings
        except UnicodeDecodeError as exc:
            text = data.decode(bom, errors="replace")
            return text, [f"not valid {bom.upper()} (byte {exc.start}); undecodable bytes replaced"]
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError as exc:
        problem = f"not valid UTF-8 (byte {exc.start})"
    # UTF-8 with a few stray bytes (a bad copy, a truncated character) is still UTF-8: decoded as a
    # legacy code page its every accented letter would be wrong ("São" as "SĂŁo")
    loose = data.decode("utf-8", errors="surrogateescape")
    stray = sum(1 for ch in loose if "\udc80" <= ch <= "\udcff")
    wide = sum(1 for ch in loose if ord(ch) > 127 and not "\udc80" <= ch <= "\udcff")
    if wide and stray <= max(3, wide // 20):
        return data.decode("utf-8", errors="replace"), [
            f"{problem}; read as UTF-8 with {stray} undecodable byte{'s' if stray > 1 else ''} replaced"]
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    # Short texts leave several single-byte encodings equally plausible; Western
    # news is most often Windows-1252, so it wins a tie.
    for candidate in results:
        if candidate.encoding in WESTERN and best is not None and candidate.chaos <= best.chaos + 0.05:
            best = candidate
            break
    if best is None or best.encoding is None:
        text = data.decode("utf-8", errors="replace")
        warnings.append(f"{problem}; no encoding detected, undecodable bytes replaced")
    else:
        text = str(best)
        warnings.append(f"{problem}; decoded as {best.encoding} (detected)")
    return text, warnings


def unicode_bom(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark announces (UTF-8's is read as UTF-8)."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    return None


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.count(b"\x00") > max(2, len(head) // 100):  # a stray NUL in a text is removed later, not binary
        return True
    # Control characters other than tab, newline, carriage return and form feed.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def read_bytes(path: Path, max_bytes: int) -> bytes:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a pipe or device named .txt would block or never end
        raise ValueError("not a regular file (a pipe, device or socket); not read")
    size = info.st_size
    if size > max_bytes:
        raise ValueError(f"file too large: {size:,} bytes, the limit is {max_bytes:,} (raise it with --max-bytes)")
    with path.open("rb") as handle:
        return handle.read(max_bytes + 1)


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """YAML front matter as a dict, the body after it, and where the body starts."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    if len(match.group(1)) > MAX_FRONT_MATTER:
        raise ValueError(f"YAML front matter of {len(match.group(1)):,} characters; the limit is {MAX_FRONT_MATTER:,}")
    if _flow_depth(match.group(1)) > MAX_FRONT_MATTER_DEPTH:  # PyYAML takes quadratic time on deep nesting
        raise ValueError("YAML front matter nested too deeply to read")
    if any(isinstance(event, yaml.AliasEvent) for event in _yaml_events(match.group(1))):
        # anchors and aliases (&a … *a) can make a few lines expand into gigabytes
        raise ValueError("YAML front matter uses aliases (*name); Liaison does not expand them")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except RecursionError:
        raise ValueError("YAML front matter nested too deeply to read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise ValueError(f"malformed YAML front matter{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    return meta, text[match.end():], match.end()


def _flow_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _yaml_events(text: str):
    try:
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # safe_load reports it, with its line


def check_lines(text: str) -> None:
    """Refuse a text with a line longer than any article's (a generated or hostile file)."""
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE:
        raise ValueError(f"a line of {longest:,} characters; the limit is {MAX_LINE:,} (not an article)")


MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
MD_QUOTE = re.compile(r"^\s{0,3}>\s?")


def markdown_to_text(body: str) -> str:
    """Markdown to plain prose: headings, emphasis, links and block quotes lose their marks."""
    lines = []
    for line in body.splitlines():
        if MD_RULE.match(line):
            lines.append("")
            continue
        heading = MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = MD_QUOTE.sub("", line)
        line = MD_LINK.sub(lambda m: m.group(1), line)
        line = MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)
        lines.append(line)
    return "\n".join(lines)


def normalise_metadata(meta: dict, problems: list[str] | None = None) -> dict:
    """Front matter or JSON keys to the names the rest of ingest uses. A value of the wrong type
    (a title that is a mapping, a list of addresses) is left out, and said in ``problems``."""
    out: dict = {}
    problems = [] if problems is None else problems

    def text(key: str):
        value = meta.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            shown = repr(value)
            problems.append(f"{key} is {type(value).__name__} {shown[:60]}{'…' if len(shown) > 60 else ''}, "
                            "not text; ignored")
            return None
        return str(value).strip() or None

    for key in ("title", "outlet", "language"):
        if (value := text(key)) is not None:
            out[key] = value
    if not out.get("outlet") and (value := text("site_name")) is not None:
        out["outlet"] = value
    published = meta.get("published") or meta.get("date")
    if isinstance(published, (date, datetime)):
        out["published"] = published
    elif published:
        if (value := text("published" if meta.get("published") else "date")) is not None:
            out["published"] = value
    url = text("url") if meta.get("url") else text("source")
    if url:
        out["url"] = url
    authors = meta.get("authors") or meta.get("author")
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r",|;|\band\b", authors) if a.strip()]
    if isinstance(authors, list):
        names = [a.strip() for a in authors if isinstance(a, str) and a.strip()]
        if len(names) < len(authors):
            problems.append(f"{len(authors) - len(names)} author(s) not text; ignored")
        out["authors"] = names
    elif authors:
        problems.append(f"authors is {type(authors).__name__}, not a name or a list of names; ignored")
    if meta.get("id") is not None and (value := text("id")) is not None:
        out["id"] = value
    return out


def read_text_file(source: str, text: str, kind: str, warnings: list[str]) -> RawDocument:
    check_lines(text)
    meta, body, _ = split_front_matter(text)
    if kind == "markdown":
        body = markdown_to_text(body)
    problems: list[str] = []
    meta = normalise_metadata(meta, problems)
    return RawDocument(source=source, body=body, format=kind, metadata=meta,
                       warnings=[*warnings, *(f"front matter: {p}" for p in problems)])


def read_html(source: str, text: str, warnings: list[str]) -> RawDocument:
    from liaison.ingest.html import html_to_raw

    return html_to_raw(source, text, warnings)


def lines_of(text: str, size: int = 1 << 20) -> Iterator[str]:
    """``text.splitlines()``, about a megabyte at a time: a large JSON Lines file is not held twice
    (as its text and as a list of all its lines). Cuts fall after a newline, where a line ends anyway."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + size)
        end = len(text) if cut < 0 else cut + 1
        yield from text[start:end].splitlines()
        start = end


def read_jsonl(source: str, lines: Iterable[str], warnings: list[str]) -> Iterator[RawDocument | ReadFailure]:
    """A document per good line; the bad lines each named, up to ``MAX_NAMED_FAILURES`` of a file,
    then counted in one last failure (a file of a million bad lines is one problem, not a million)."""
    bad = 0
    for item in _jsonl_items(source, lines, warnings):
        if isinstance(item, ReadFailure):
            bad += 1
            if bad > MAX_NAMED_FAILURES:
                continue
        yield item
    if bad > MAX_NAMED_FAILURES:
        yield ReadFailure(source, f"{bad - MAX_NAMED_FAILURES:,} more bad lines, not named one by one "
                                  f"({bad:,} in all; the first {MAX_NAMED_FAILURES} are named above)")


def _jsonl_items(source: str, lines: Iterable[str], warnings: list[str]) -> Iterator[RawDocument | ReadFailure]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(where, f"malformed JSON line: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield ReadFailure(where, "JSON line nested too deeply to read")
            continue
        if not isinstance(obj, dict):
            yield ReadFailure(where, "JSON line is not an object")
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            yield ReadFailure(where, "JSON line has no 'text' string")
            continue
        try:
            if obj.get("format") != "html":  # a page's HTML may well be one long line
                check_lines(body)
        except ValueError as exc:
            yield ReadFailure(where, str(exc))
            continue
        problems: list[str] = []
        meta = normalise_metadata(obj, problems)
        warnings_here = [*warnings, *problems]
        ident = meta.get("id")
        line_source = meta.get("url") or (f"{source}#{ident}" if ident else where)
        fmt = "html" if obj.get("format") == "html" else "text"
        if fmt == "html":
            try:
                raw = read_html(line_source, body, list(warnings_here))
            except (ValueError, RecursionError) as exc:
                yield ReadFailure(where, str(exc) if isinstance(exc, ValueError) else "HTML nested too deeply")
                continue
            raw.metadata = {**raw.metadata, **meta}
            yield raw
        else:
            yield RawDocument(source=line_source, body=body, format="text", metadata=meta, warnings=warnings_here)


def read_path(path: str, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    """Everything one file (or ``-``, JSON Lines on stdin) holds."""
    if path == STDIN:
        yield from read_jsonl("<stdin>", sys.stdin, [])
        return
    file = Path(path)
    suffix = file.suffix.lower()
    if path.lower().endswith((".warc", ".warc.gz")):  # an archive of fetched pages (ours, wget's, Heritrix's)
        from liaison.ingest.warc import read_warc

        for item in read_warc(path, max_bytes, decode):
            yield item if isinstance(item, RawDocument) else ReadFailure(*item)
        return
    if suffix not in SUPPORTED:
        yield ReadFailure(path, f"unsupported file type {suffix or '(no extension)'!r}; "
                                "Liaison reads .txt, .md, .html, .htm, .jsonl and .warc(.gz)")
        return
    try:
        data = read_bytes(file, max_bytes)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield ReadFailure(path, f"cannot read: {reason}" if isinstance(exc, OSError) else reason)
        return
    if not data.strip():
        yield ReadFailure(path, "empty file")
        return
    if not unicode_bom(data) and looks_binary(data):  # UTF-16 is full of NULs, and text
        yield ReadFailure(path, "binary file, not text")
        return
    text, warnings = decode(data, path)
    del data  # not kept alive (beside its text) while the documents are read
    if not text.strip():  # a byte order mark and white space, once decoded
        yield ReadFailure(path, "empty file")
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, lines_of(text), warnings)  # reports each bad line itself
        return
    try:
        if suffix in HTML_SUFFIXES:
            item = read_html(path, text, warnings)
        else:
            item = read_text_file(path, text, TEXT_SUFFIXES[suffix], warnings)
    except ValueError as exc:
        item = ReadFailure(path, str(exc))
    except RecursionError:
        item = ReadFailure(path, "nested too deeply to read")
    except Exception as exc:  # a parser's own bug: name the file, go on with the batch
        item = ReadFailure(path, f"could not read: {type(exc).__name__}: {exc}")
    yield item


def read_paths(paths: Iterable[str], max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    expansion = expand_paths(paths)
    yield from expansion.missing
    for path in expansion.files:
        try:
            yield from read_path(path, max_bytes)
        except Exception as exc:  # whatever a reader did wrong costs that file, not the batch
            yield ReadFailure(path, f"could not read: {type(exc).__name__}: {exc}")
