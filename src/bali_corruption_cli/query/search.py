"""Search every collection at once: ranked hits with a snippet, forgiving typos and accents.

No I/O and no printing.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.core.errors import UsageError
from bali_corruption_cli.model import layout, vocab
from bali_corruption_cli.query import query
from bali_corruption_cli.store import textindex

# How much a match in each kind of field is worth.  The ranking is by tier first: a record
# whose every query word is in its title or name outranks one that needs an alias for a
# word, which outranks one that needs its body text, which outranks one that needs any
# other field (its id, a kind, a sector); within a tier, the weights below order the hits.
# A hit's score is its tier x TIER plus its weighted matches (at most TIER - 0.01).
_TITLE_WEIGHT = 10.0
_ALIAS_WEIGHT = 8.0
_BODY_WEIGHT = 3.0
_OTHER_WEIGHT = 1.0
_ID_WEIGHT = _OTHER_WEIGHT
_TIERS = {_TITLE_WEIGHT: 3, _ALIAS_WEIGHT: 2, _BODY_WEIGHT: 1, _OTHER_WEIGHT: 0}
TIER = 1000.0
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
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "field": self.field,
            "snippet": self.snippet,
        }


def _weight(collection: str, key: str) -> float | None:
    """How much a match in field ``key`` is worth; None for a field search does not look in."""
    if key in ("sources", "basis", "roles"):  # citations, reasons, roles' evidence: not the record's own text
        return None
    if key == layout.TITLE_FIELD[collection]:
        return _TITLE_WEIGHT
    if key == "id":
        return _ID_WEIGHT
    if key in _ALIAS_FIELDS:
        return _ALIAS_WEIGHT
    if key in _BODY_FIELDS:
        return _BODY_WEIGHT
    return _OTHER_WEIGHT


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
def _scores(tokens: tuple[str, ...], phrase: str, folded: str) -> tuple[tuple[float, ...], bool]:
    """Each token's score in one field's text, folded, and whether the whole phrase is in it
    (spaces at either end make no difference; remembered: a large catalogue repeats the same
    texts in many records)."""
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


# A hit before its title and snippet are made: (score, collection, id, what makes the Hit)
_Found = tuple[float, str, str, Callable[[], Hit]]


def search(catalog: Catalog, text: str, types: Sequence[str] = (), limit: int | None = None) -> list[Hit]:
    """Rank every record against ``text``; every word of the query must match somewhere.
    The best ``limit`` hits (all by default).  Every collection is searched through its
    text index (`Catalog.text`: the store's, or made from the records: the same hits)."""
    return search_counted(catalog, text, types, limit)[0]


def search_counted(
    catalog: Catalog, text: str, types: Sequence[str] = (), limit: int | None = None
) -> tuple[list[Hit], int]:
    """`search`'s best ``limit`` hits, and how many records match in all."""
    tokens = tuple(_WORD.findall(vocab.fold(text)))
    if not tokens:
        return [], 0
    phrase = " ".join(tokens)
    found: list[_Found] = []
    for collection in catalog.names:
        if types and collection not in types:
            continue
        found += _hits(catalog, collection, tokens, phrase)
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    return [make() for *_key, make in found[:limit]], len(found)


def _hits(catalog: Catalog, collection: str, tokens: tuple[str, ...], phrase: str) -> list[_Found]:
    """The collection's hits, through its text index: only the records holding every query
    word (or a near miss of it) are scored, and only their texts holding one (a text with
    none scores nothing), from the folded texts; only the hits are decoded (for their ids;
    titles and snippets for those shown)."""
    haystacks, numbers, words = catalog.text(collection)
    slots = [(key, _weight(collection, key)) for key in catalog.fields[collection]]
    title = layout.TITLE_FIELD[collection]
    narrowed = textindex.narrowing(tokens, words, _near)
    # every word narrowed: a text holding none of the alternatives scores nothing
    alternatives = [a for each in narrowed for a in each] if len(narrowed) == len(tokens) else None
    # (record number, score, field, which string to show and its field)
    found: list[tuple[int, float, str, int, str]] = []
    for n in textindex.candidates(haystacks, narrowed):
        pieces = textindex.pieces(haystacks[n]) if numbers[n] else []
        texts = (
            (slots[slot][0], weight, at, _scores(tokens, phrase, piece))
            for at, (slot, piece) in enumerate(zip(numbers[n], pieces, strict=False))  # checked when read
            if (weight := slots[slot][1]) is not None
            and (alternatives is None or any(a in piece for a in alternatives))
        )
        scored = _score(texts, title)
        if scored is not None:
            found.append((n, *scored))
    ids: Sequence[str] | dict[int, str] | None = catalog.record_ids(collection)
    if ids is None:  # no ids kept: the hits' own
        hits = [n for n, *_rest in found]
        ids = dict(zip(hits, (r["id"] for r in catalog.records_at(collection, hits)), strict=True))
    # sorted by id without decoding a record: only the hits shown are decoded (`_hit_of`)
    return [
        (
            score,
            collection,
            ids[n],
            functools.partial(_hit_of, catalog, collection, n, score, key, at, tokens, field),
        )
        for n, score, key, at, field in found
    ]


def _hit_of(
    catalog: Catalog,
    collection: str,
    n: int,
    score: float,
    key: str,
    at: Any,
    tokens: Sequence[str],
    field: str,
) -> Hit:
    """The hit of the collection's ``n``-th record, whose snippet comes from its ``at``-th string."""
    (record,) = catalog.records_at(collection, [n])
    strings = query.strings(record)
    text = strings[at] if type(at) is int and at < len(strings) else ""
    return _hit(collection, record, score, key, text, tokens, field)


def _score(
    texts: Iterable[tuple[str, Any, Any, tuple[tuple[float, ...], bool]]], title: str
) -> tuple[float, str, Any, str] | None:
    """A record's score, the field of its best match, and the text (and its field) to show
    the matched words in, from each text's (field, weight, text, `_scores`); None unless
    every token matched.

    The score is the tier every token is found in (`_TIERS`: the lowest of each token's
    best) x TIER, plus the weighted matches.  The best match is the one of the highest tier
    and weight.  The text shown is the best match in an alias or the body text, else the
    title's, else the best in another field but the id (an id alone is no context)."""
    best_per_token: list[float] | None = None
    tier_per_token: list[int] | None = None
    best: tuple[float, float, str] = (-1.0, 0.0, "")
    shown: dict[int, tuple[float, Any, str]] = {}  # by preference: 0 alias or body, 1 title, 2 other
    score = 0.0
    for key, weight, which, (scores, together) in texts:
        if best_per_token is None or tier_per_token is None:
            best_per_token, tier_per_token = [0.0] * len(scores), [-1] * len(scores)
        tier = _TIERS.get(weight, 0)
        field_score = 0.0
        for n, s in enumerate(scores):
            if s:
                if s > best_per_token[n]:
                    best_per_token[n] = s
                if tier > tier_per_token[n]:
                    tier_per_token[n] = tier
                field_score += s * weight
        if not field_score:
            continue
        if together:
            field_score *= 1.5
        score += field_score
        if (weight, field_score) > best[:2]:
            best = (weight, field_score, key)
        preference = 1 if key == title else 0 if weight in (_ALIAS_WEIGHT, _BODY_WEIGHT) else 2
        if key != "id" and field_score > shown.get(preference, (0.0,))[0]:
            shown[preference] = (field_score, which, key)
    if best_per_token is None or tier_per_token is None or not all(best_per_token):
        return None
    total = min(tier_per_token) * TIER + min(round(score, 2), TIER - 0.01)
    _strength, text, field = shown[min(shown)] if shown else (0.0, None, "")
    return round(total, 2), best[2], text, field


def _hit(
    collection: str, record: Record, score: float, key: str, raw: Any, tokens: Sequence[str], field: str
) -> Hit:
    """A hit; its snippet is ``raw`` around the matched words, named by its ``field`` when
    that is neither prose nor the title (``stages: recruitment``)."""
    title = str(record.get(layout.TITLE_FIELD[collection], record["id"]))
    shown = snippet(str(raw or ""), tokens)
    if _weight(collection, field) == _OTHER_WEIGHT:
        shown = f"{field}: {shown}"
    return Hit(collection, record["id"], title, score, key, shown)


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
