"""A record as people read it: names in place of ids, quotes that cannot be misquoted, dates in words.

Views for people (tables, records, `show`, Markdown) print the record this module makes;
machine formats print the record itself.  Every character of the data stays: an id
becomes the name `query.labels.names` found for it, and a quote's text gains only words
of ours around it (quotation marks for a source's words, "Paraphrase (our words):" or
"Topic:" for ours).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bali_corruption_cli.core.values import Record
from bali_corruption_cli.output import text
from bali_corruption_cli.query import query

# How each kind of quote is printed for people: a source's words in quotation marks,
# ours marked as ours in words, so that nothing we wrote can be copied as a quotation.
QUOTE_KINDS = {
    "direct": ('"', '"'),
    "paraphrase": ("Paraphrase (our words): ", ""),
    "topic": ("Topic: ", ""),
}


def quote_text(kind: Any, text: Any) -> Any:
    """A quote's text as people read it: "…" for a direct quote, marked in words otherwise."""
    if type(text) is not str or kind not in QUOTE_KINDS:
        return text
    before, after = QUOTE_KINDS[kind]
    return f"{before}{text}{after}"


def _steps(path: str) -> list[tuple[str, bool]]:
    return [(part[:-2], True) if part.endswith("[]") else (part, False) for part in path.split(".")]


def _named(value: Any, steps: Sequence[tuple[str, bool]], names: Mapping[str, str]) -> Any:
    """``value`` with every id at ``steps`` below it replaced by its name (copies, never in place)."""
    if not steps:
        return names.get(value, value) if type(value) is str else value
    (key, many), rest = steps[0], steps[1:]
    if key == "*":
        if type(value) is dict:
            return {k: _named(v, rest, names) for k, v in value.items()}
        return value
    if type(value) is not dict or value.get(key) is None:
        return value
    inner = value[key]
    if many and type(inner) is list:
        changed: Any = [_named(item, rest, names) if item is not None else item for item in inner]
    else:
        changed = _named(inner, rest, names)
    return dict(value, **{key: changed})


def record(
    collection: str,
    rec: Record,
    names: Mapping[str, str],
    paths: Sequence[str],
    ours: Mapping[str, set[str]] | None = None,
) -> Record:
    """The record for people: each id at ``paths`` (`labels.reference_paths`) named, a quote's
    text marked by its kind, its ``basis`` and ``overlay`` in words.  ``ours``: by field, the
    ids in a list the record holds by our reading only (`evidence.parties_of_ours`), each
    marked as tables mark our classifications."""
    out = rec
    for path in paths:
        if not path.startswith("basis."):
            out = _named(out, _steps(path), names)
    for field, ids in (ours or {}).items():
        value = rec.get(field)
        if type(value) is list and field in out:
            marked = [
                f"{names.get(v, v)} {text.EDITORIAL_MARK}" if v in ids else out[field][n]
                for n, v in enumerate(value)
            ]
            out = dict(out, **{field: marked})
    if collection == "quotes" and "text" in out:
        out = dict(out, text=quote_text(rec.get("kind"), out["text"]))
    if out.get("basis") is not None:
        out = dict(out, basis=basis_words(out["basis"], names))
    if out.get("overlay") is not None:
        out = dict(out, overlay=overlay_words(out["overlay"]))
    return out


def basis_words(basis: Any, labels: Mapping[str, str] | None = None) -> str:
    """A record's ``basis`` in words, one clause a field: "stages: editorial (…); sectors:
    stated by S1, at para 2"; '' when there is none."""
    if type(basis) is not dict:
        return "" if basis is None else str(basis)
    labels = labels or {}
    parts = []
    for field, why in basis.items():
        if type(why) is not dict:
            parts.append(f"{field}: {why}")
            continue
        if why.get("basis") == "editorial":
            text = f"{field}: editorial, our reading"
        else:
            source = str(why.get("source"))
            text = f"{field}: stated by {labels.get(source, source)}"
            if why.get("at"):
                text += f", at {why['at']}"
        if why.get("reason"):
            text += f" ({why['reason']})"
        parts.append(text)
    return "; ".join(parts)


def marked_editorial(fields: dict[str, Any], basis: Any) -> dict[str, Any]:
    """``fields`` with each value that is our classification, not a source's, marked as
    tables mark it (text.EDITORIAL_MARK after it; after each item of a list)."""
    marks = basis if type(basis) is dict else {}
    out = {}
    for key, value in fields.items():
        why = marks.get(key)
        if type(why) is dict and why.get("basis") == "editorial" and value not in (None, [], ""):
            if type(value) is list:
                value = [f"{text.cell(v)} {text.EDITORIAL_MARK}" for v in value]
            else:
                value = f"{text.cell(value)} {text.EDITORIAL_MARK}"
        out[key] = value
    return out


_DONE = {"patch": "patched", "replace": "replaced"}


def overlay_words(overlay: Any) -> list[str]:
    """An overlay's trace in words: "patched by extra/events.yaml:2 (date_note)"."""
    if type(overlay) is not list:
        return [] if overlay is None else [str(overlay)]
    out = []
    for change in overlay:
        if type(change) is not dict:
            out.append(str(change))
            continue
        action = _DONE.get(str(change.get("action")), str(change.get("action")))
        where = str(change.get("file")) + (f":{change['line']}" if change.get("line") else "")
        fields = change.get("fields") or []
        what = f" ({', '.join(str(f) for f in fields)})" if fields and action == "patched" else ""
        out.append(f"{action} by {where}{what}")
    return out


# Fields `show` prints elsewhere: under Sources, Basis and Caveats (a caveat once).
_SHOWN_BELOW = ("sources", "basis", "caveats", "date_note")
_DATE_PARTS = ("start_date", "end_date", "month_day")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def fields_for_people(
    collection: str, record: dict[str, Any], shown: dict[str, Any], wide: bool
) -> tuple[dict[str, Any], list[str]]:
    """The fields `show` prints (from ``shown``, the record for people) and the names of
    those left out for being empty (none with ``wide``, which prints every field). An
    event's date is one field in words; ``wide`` adds its parts as they are."""
    fields: dict[str, Any] = {}
    empty: list[str] = []
    dated = any(part in record for part in _DATE_PARTS)
    for key, value in shown.items():
        if key in _SHOWN_BELOW or key == "id":
            continue
        if key in _DATE_PARTS and dated:
            if key == "start_date":
                words = query.event_date_words(record)
                if words:
                    fields["date"] = words
                elif not wide:
                    empty.append("date")
            if not wide:
                continue
        if key == "date" and collection == "sources" and not wide:
            value = query.date_words(value)
        if _empty(value) and not wide:
            empty.append(key)
            continue
        fields[key] = value
    return fields, empty
