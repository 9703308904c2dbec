"""Search every collection at once: ranked hits with a snippet, forgiving typos and accents.

No I/O and no printing.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bali_corruption_cli import layout, query, vocab
from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.errors import UsageError

# How much a match in each kind of field is worth: a hit in a title or name
# outranks one in an alias, which outranks one in the body text.
_TITLE_WEIGHT = 10.0
_ALIAS_WEIGHT = 8.0
_ID_WEIGHT = 6.0
_BODY_WEIGHT = 3.0
_OTHER_WEIGHT = 1.0
_BODY_FIELDS = {"summary", "text", "description", "position", "notes", "caveats", "date_note", "wording"}
_ALIAS_FIELDS = {"aliases", "alt_titles", "label", "iso2", "iso3"}
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Hit:
    type: str
    id: str
    title: str
    score: float
    field: str
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fields(collection: str, record: Record) -> Iterable[tuple[str, float, str]]:
    """(field, weight, text) for every string in the record."""
    title_field = layout.TITLE_FIELD[collection]
    for key, value in record.items():
        if key in ("sources", "basis"):  # citations and reasons: evidence, not the record's own text
            continue
        if key == title_field:
            weight = _TITLE_WEIGHT
        elif key == "id":
            weight = _ID_WEIGHT
        elif key in _ALIAS_FIELDS:
            weight = _ALIAS_WEIGHT
        elif key in _BODY_FIELDS:
            weight = _BODY_WEIGHT
        else:
            weight = _OTHER_WEIGHT
        for text in query.strings(value):
            yield key, weight, text


def _token_score(token: str, words: Sequence[str], folded: str) -> float:
    """1 for an exact word, 0.8 for a prefix or inner substring, up to 0.7 for a near miss."""
    if token in words:
        return 1.0
    if len(token) >= 3 and token in folded:
        return 0.8
    if len(token) >= 4:
        return max((_near(token, word) for word in words), default=0.0)
    return 0.0


@functools.lru_cache(maxsize=1 << 16)
def _match(tokens: tuple[str, ...], phrase: str, raw: str) -> tuple[tuple[float, ...], bool]:
    """Each token's score in one field's text, and whether the whole phrase is in it
    (remembered: a large catalogue repeats the same texts in many records)."""
    folded = vocab.fold(raw)
    words = _WORD.findall(folded)
    scores = tuple(_token_score(token, words, folded) for token in tokens)
    return scores, len(tokens) > 1 and phrase in " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def _near(token: str, word: str) -> float:
    """0.7 x the similarity of a near miss (at least 0.8), else 0; remembered, since a large
    catalogue repeats the same words in thousands of records."""
    if abs(len(word) - len(token)) > 2:
        return 0.0
    matcher = difflib.SequenceMatcher(a=token, b=word, autojunk=False)
    if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
        return 0.0
    ratio = matcher.ratio()
    return ratio * 0.7 if ratio >= 0.8 else 0.0


def search(catalog: Catalog, text: str, types: Sequence[str] = ()) -> list[Hit]:
    """Rank every record against ``text``; every word of the query must match somewhere."""
    tokens = tuple(_WORD.findall(vocab.fold(text)))
    if not tokens:
        return []
    phrase = " ".join(tokens)
    hits: list[Hit] = []
    for collection, record in catalog.all_records():
        if types and collection not in types:
            continue
        best_per_token = [0.0] * len(tokens)
        best_field: tuple[float, str, str] = (0.0, "", "")
        score = 0.0
        for key, weight, raw in _fields(collection, record):
            scores, together = _match(tokens, phrase, raw)
            field_score = 0.0
            for n, s in enumerate(scores):
                if s:
                    best_per_token[n] = max(best_per_token[n], s)
                    field_score += s * weight
            if together:
                field_score *= 1.5
            score += field_score
            # the snippet shows the best match outside the title (the title is shown anyway)
            shown = field_score if key != layout.TITLE_FIELD[collection] else field_score / 1000
            if shown > best_field[0]:
                best_field = (shown, key, raw)
        if not all(best_per_token):
            continue
        _, key, raw = best_field
        title = str(record.get(layout.TITLE_FIELD[collection], record["id"]))
        hits.append(Hit(collection, record["id"], title, round(score, 2), key, snippet(raw, tokens)))
    hits.sort(key=lambda h: (-h.score, h.type, h.id))
    return hits


def snippet(text: str, tokens: Sequence[str], width: int = 90) -> str:
    """About ``width`` characters of ``text`` around the first matching word."""
    flat = " ".join(text.split())
    folded = vocab.fold(flat)
    # fold() keeps length for the common case; fall back to the start when it does not
    pos = -1
    if len(folded) == len(flat):
        for token in tokens:
            pos = folded.find(token)
            if pos >= 0:
                break
    if len(flat) <= width:
        return flat
    start = max(0, min(pos - width // 3, len(flat) - width)) if pos >= 0 else 0
    out = flat[start : start + width]
    return ("…" if start > 0 else "") + out + ("…" if start + width < len(flat) else "")


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (for highlighting on a terminal)."""
    folded = vocab.fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for token in _WORD.findall(vocab.fold(query)):
        for m in re.finditer(re.escape(token), folded):
            spans.append((m.start(), m.end()))
    return spans


def resolve_types(raw: Sequence[str] | None) -> list[str]:
    out = []
    singular = {v: k for k, v in layout.SINGULAR.items()}
    for value in raw or ():
        key = vocab.fold(value).replace(" ", "-")
        name = key if key in layout.COLLECTIONS else singular.get(key)
        if name is None:
            hint = vocab.closest(value, list(layout.COLLECTIONS))
            did = f" (did you mean '{hint}'?)" if hint else ""
            raise UsageError(
                f"unknown type {value!r} for --type{did}; valid types: {', '.join(layout.COLLECTIONS)}"
            )
        out.append(name)
    return out
