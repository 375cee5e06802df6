"""One self-contained report file (HTML, or PDF through headless Chromium) over a part of the record.

``write(rec, path, event=…, series=…, since=…, until=…)`` builds the report (:mod:`.build`), renders it
with the template in ``templates/`` and the stylesheet ``report.css`` inlined, and writes it. Charts are
inline SVG (:mod:`.charts`): the file carries no script and references nothing outside itself.
"""

from __future__ import annotations

from pathlib import Path

from liaison.report.build import Report, build

HERE = Path(__file__).resolve().parent

__all__ = ["Report", "build", "render", "write"]


def render(report: Report) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["j2", "html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    css = (HERE / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(report=report, css=css)


def write(rec, path: Path | str, **scope) -> Report:
    """Build and write a report; ``.pdf`` paths are printed by headless Chromium (:mod:`.pdf`)."""
    path = Path(path)
    report = build(rec, **scope)
    html = render(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".pdf":
        from liaison.report.pdf import html_to_pdf

        html_to_pdf(html, path)
    else:
        path.write_text(html, encoding="utf-8")
    return report
