"""How a value from the data becomes text for people: escaped, never interpreted.

Control characters, bidi overrides and invisible or line-breaking characters are
shown as escapes (``\\x1b``, ``\\u200b``); characters stdout cannot encode too.
"""

from __future__ import annotations

import codecs
import re
import sys
from typing import Any, TextIO

# C0 and C1 controls (but newline and tab), DEL, and the bidirectional
# embedding/override/isolate characters that can make text read backwards.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff"
    "\U000e0000-\U000e007f]"
)


# In views for people, a value that is our classification, not a source's, is marked.
EDITORIAL_MARK = "[E]"
LEGEND = f"{EDITORIAL_MARK} editorial: our classification, not a source's (bcc show ID --evidence)"


def visible(text: str) -> str:
    """Show control and bidi-override characters as escapes, e.g. ``\\x1b``.

    Characters stdout's encoding cannot show (``LANG=C``, ``PYTHONIOENCODING=ascii``)
    are escaped here too, so tables measure the text that is actually printed.
    """
    if text.isascii() and text.isprintable():  # nothing to escape (most text): no regex
        return text
    shown = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if shown.isascii():
        return shown
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        return shown.encode(encoding, "backslashreplace").decode(encoding)
    except (LookupError, UnicodeError):
        return shown.encode("ascii", "backslashreplace").decode("ascii")


_BLANKS = re.compile(r"[ \t\n\r]+")


def flat(text: Any) -> str:
    """Text on one line: each run of spaces, tabs and line ends one space (YAML folds long
    lines).  Only those: a line or paragraph separator, NEL or an information separator
    (U+2028, U+2029, U+0085, \\x1c-\\x1f, which ``str.split`` takes for blanks) stays, for
    `visible` to show escaped."""
    return _BLANKS.sub(" ", str(text)).strip(" ")


def _utf_capable(stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def cell(value: Any) -> str:
    """A compact, readable string for one field's value in a table or CSV cell."""
    if type(value) is str:  # the common case first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # the words of JSON and CSV
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        if "role" in value:  # a role that is our reading, not a source's, is marked as tables mark it
            where = f" at {value['event']}" if value.get("event") else ""
            ours = f" {EDITORIAL_MARK}" if value.get("basis") == "editorial" else ""
            return f"{value['role']}{where}{ours}"
        if "wording" in value:  # a source's own words in quotation marks; our paraphrase says so
            if value.get("quoted"):
                return f'"{value["wording"]}" ({value.get("source")}, in its words)'
            return f"{value['wording']} (our paraphrase of {value.get('source')})"
        if "source" in value and "at" in value:
            return f"{value['source']} ({value['at']})"
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    return str(value)


def _shown(text: str) -> str:
    """A cell as printed: made visible, with tabs shown as escapes (they would break columns)."""
    return visible(text).replace("\t", "\\t")
