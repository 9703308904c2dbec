"""Helpers for the report tests (test_report.py, test_report_browser.py).

Not a pytest conftest: imported by those files. ``hostile_overlay`` writes an
overlay whose records carry markup, script and address payloads; each payload
that ran would set ``window.__bccPwned``, which the browser test looks for.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

PWNED = "__bccPwned"

HOSTILE_TITLE = (
    f'<script>window.{PWNED} = "script"</script> **bold** _em_ '
    f"[click](javascript:window.{PWNED}='md') {{{{ 7 * 7 }}}}"
)
HOSTILE_SUMMARY = (
    f"<img src=x onerror=\"window.{PWNED}='img'\"></style><style>body{{display:none}}</style>"
    f"</script><script>window.{PWNED}='script2'</script> javascript:window.{PWNED}='js' "
    "<!-- comment --> &amp; & ]]>"
)
HOSTILE_URL = f"https://example.org/\"><script>window.{PWNED}='url'</script>"


def hostile_overlay(folder: Path) -> Path:
    """An overlay folder with one hostile practice and one hostile source (JSON is YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = {
        "id": "hostile-source",
        "label": "<b>S9</b>",
        "title": f"</title><script>window.{PWNED}='title'</script>",
        "publisher": "<svg onload=\"window.__bccPwned='svg'\">",
        "date": None,
        "url": HOSTILE_URL,
        "kind": "report",
    }
    practice = {
        "id": "hostile-practice",
        "title": HOSTILE_TITLE,
        "summary": HOSTILE_SUMMARY,
        "sectors": ["private"],
        "themes": ["due-diligence"],
        "stages": ["recruitment"],
        "origin_event": None,
        "sources": [{"source": "hostile-source", "at": "<i>para 1</i>"}],
    }
    (folder / "sources.yaml").write_text(json.dumps([source], indent=1), encoding="utf-8")
    (folder / "practices.yaml").write_text(json.dumps([practice], indent=1), encoding="utf-8")
    return folder


class Page(HTMLParser):
    """The parts of a report the tests look at: elements, attributes, text, record ids."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.records: list[str] = []
        self.record_ids: list[str] = []  # the data-id of each record's article: the record's own id
        self.scripts: list[str] = []  # scripts that run (no type, or a JavaScript type)
        self.data_blocks: list[str] = []  # <script type="application/ld+json">: data, never run
        self.styles: list[str] = []
        self._data_block = False
        self.text: list[str] = []
        self._raw: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "article" and "record" in (attributes.get("class") or "").split():
            self.records.append(str(attributes.get("id", "")).removeprefix("r-"))
            self.record_ids.append(str(attributes.get("data-id", "")))
        if tag in ("script", "style"):
            self._raw = ""
            self._data_block = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw is not None:
            if self._data_block:
                self.data_blocks.append(self._raw)
            else:
                (self.scripts if tag == "script" else self.styles).append(self._raw)
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw += data
        else:
            self.text.append(data)

    def all_text(self) -> str:
        return "".join(self.text)

    def attrs(self, tag: str) -> list[dict[str, Any]]:
        return [a for t, a in self.tags if t == tag]


# Every collection, in the order the report lists them.
COLLECTIONS = (
    "sources",
    "countries",
    "stakeholders",
    "events",
    "stages",
    "practices",
    "recommendations",
    "quotes",
    "findings",
)


def keys_of(value: Any) -> set[str]:
    """Every key of every mapping in ``value``, at any depth (the data files' field names,
    given the records)."""
    if isinstance(value, dict):
        return set(value).union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()
