"""The report's words for people: vocabulary values, fields and links in words, and element ids.

No I/O. The catalogue's codes (``civil-society``, ``national-roundtable``) become
words ("Civil society", "National roundtable"); the report lists each code beside
its words once (its "Terms" section), so no value of the data is lost. Element ids
are made from record ids but unique whatever the ids are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bali_corruption_cli.query import query

# Codes whose words are not the code with its dashes as spaces.
_WORDS: dict[str, str] = {
    "private": "private sector",
    "international": "international organisation",
    "more-than": "more than",
    "at-least": "at least",
    "about": "about",
    "source": "stated by a source",
    "editorial": "our own classification",
    "next-step": "next step",
    "call": "call to action",
    "multi-stakeholder-collaboration": "multi-stakeholder collaboration",
    "direct": "direct quotation",
    "paraphrase": "paraphrase",
    "topic": "topic spoken on",
}

# What each kind of vocabulary is called, for the Terms section.
VOCABULARIES: dict[str, str] = {
    "sector": "Sectors",
    "theme": "Themes",
    "kind": "Kinds of record",
    "role": "Roles at events",
    "qualifier": "Counts",
    "basis": "Basis of a link or classification",
}


def words(code: str) -> str:
    """A code in words, lower case: ``civil-society`` -> ``civil society``."""
    return _WORDS.get(code, code.replace("-", " ").replace("_", " "))


def label(code: str) -> str:
    """A code in words with a capital: a menu entry or a value on its own."""
    text = words(code)
    return text[:1].upper() + text[1:]


# How a stakeholder's role reads, from the stakeholder's side and from the event's.
ROLE_DONE: dict[str, str] = {
    "host": "Hosted",
    "lead": "Led",
    "funder": "Funded",
    "speaker": "Spoke at",
    "participant": "Took part in",
    "author": "An author of the work released at",
    "supervisor": "Supervised the work released at",
    "publisher": "Published the work released at",
}
ROLE_BY: dict[str, str] = {
    "host": "Hosted by",
    "lead": "Led by",
    "funder": "Funded by",
    "speaker": "Speakers",
    "participant": "Taking part",
    "author": "Authors",
    "supervisor": "Supervised by",
    "publisher": "Published by",
}

# A record's own fields, in words (a field not listed: its name with spaces).
FIELDS: dict[str, str] = {
    "aliases": "Also known as",
    "alt_titles": "Also titled",
    "builds_on": "Built on",
    "city": "City",
    "country": "Country",
    "date": "Date",
    "description": "Description",
    "event": "Made at",
    "iso2": "Codes",
    "kind": "Kind",
    "made_by": "Made by",
    "order": "Place in the chain",
    "organisation": "Part of",
    "origin_event": "Came out of",
    "participants": "Participants",
    "position": "Position",
    "publisher": "Publisher",
    "sector": "Sector",
    "sectors": "Sectors",
    "series_position": "Place in the series",
    "speaker": "Speaker",
    "stages": "Stages of the chain",
    "themes": "Themes",
    "about": "About",
    "title": "Title",
    "url": "Address",
}
# Per collection, where a field reads otherwise.
FIELDS_IN: dict[tuple[str, str], str] = {
    ("quotes", "event"): "Said at",
    ("findings", "stages"): "Stages of the chain",
}


def field(collection: str, name: str) -> str:
    return FIELDS_IN.get((collection, name)) or FIELDS.get(name) or label(name)


# Links into a record, from the other record's field: how the list of them is introduced.
LINKED_FROM: dict[tuple[str, str], str] = {
    ("practices", "origin_event"): "Practices that came out of it",
    ("recommendations", "event"): "Recommendations made at it",
    ("quotes", "event"): "Quoted there",
    ("findings", "about"): "Findings about it",
    ("events", "builds_on"): "Built upon by",
    ("events", "country"): "Events held there",
    ("stakeholders", "country"): "Stakeholders from there",
    ("stakeholders", "organisation"): "People and offices within it",
    ("practices", "stages"): "Practices that address this stage",
    ("findings", "stages"): "Findings about this stage",
    ("quotes", "speaker"): "Quoted",
    ("recommendations", "made_by"): "Recommendations it made",
}


def linked_from(collection: str, path: str) -> str:
    return LINKED_FROM.get((collection, path)) or f"Linked from {collection}"


def month_day(value: str) -> str:
    """``--05-30`` (a month and day without a year) as "30 May"; anything else as it is."""
    parts = value.removeprefix("--").split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[0]) <= 12:
        return f"{int(parts[1])} {query.MONTHS[int(parts[0]) - 1]}"
    return value


# ---------------------------------------------------------------- element ids

_UNSAFE = re.compile(r"[^a-z0-9]+")


def _slug(record_id: str) -> str:
    return _UNSAFE.sub("-", record_id.lower()).strip("-") or "record"


def element_ids(record_ids: Iterable[str], suffixes: Iterable[str] = ("", "-h")) -> dict[str, str]:
    """record id -> the stem of its element ids (``r-STEM`` and ``r-STEM-h``, ``ref-STEM``):
    readable where the id is already safe, and never the same twice, even for ids that
    differ only by case or by characters that cannot be in an id (compared without case)."""
    ends = tuple(suffixes)
    taken: set[str] = set()
    out: dict[str, str] = {}
    for record_id in record_ids:
        if record_id in out:
            continue
        base = _slug(record_id)
        stem, n = base, 1
        while any(f"{stem}{end}" in taken for end in ends):
            n += 1
            stem = f"{base}-{n}"
        taken.update(f"{stem}{end}" for end in ends)
        out[record_id] = stem
    return out


def terms(used: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """The Terms section: for each vocabulary, its codes in the page beside their words."""
    out = []
    for name, heading in VOCABULARIES.items():
        codes = sorted(set(used.get(name, ())))
        if codes:
            out.append({"heading": heading, "codes": [(code, words(code)) for code in codes]})
    return out
