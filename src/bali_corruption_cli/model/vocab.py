"""Controlled vocabularies of the catalogue, and forgiving matching of values.

Kept free of third-party imports: the query path uses it on every run, and the
models import it to build their ``Literal`` types, so one list is the truth for
both validation and filtering.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

SECTORS: tuple[str, ...] = (
    "government",
    "private",
    "civil-society",
    "media",
    "academia",
    "international",
)
SECTOR_ALIASES: Mapping[str, str] = {
    "gov": "government",
    "govt": "government",
    "public": "government",
    "public sector": "government",
    "government sector": "government",
    "private sector": "private",
    "business": "private",
    "industry": "private",
    "civil society": "civil-society",
    "cso": "civil-society",
    "csos": "civil-society",
    "ngo": "civil-society",
    "ngos": "civil-society",
    "civil society organisations": "civil-society",
    "press": "media",
    "journalists": "media",
    "academic": "academia",
    "research": "academia",
    "international organisation": "international",
    "international organisations": "international",
    "international organization": "international",
}

THEMES: tuple[str, ...] = (
    "legislation",
    "labour-migration",
    "multi-stakeholder-collaboration",
    "whistleblower-protection",
    "victim-protection",
    "transparency",
    "financial-regulation",
    "due-diligence",
    "supply-chains",
    "corporate-responsibility",
    "evidence-and-awareness",
    "press-freedom",
    "information-sharing",
    "border-management",
)
THEME_ALIASES: Mapping[str, str] = {
    "laws": "legislation",
    "law": "legislation",
    "labor migration": "labour-migration",
    "migration": "labour-migration",
    "whistleblowers": "whistleblower-protection",
    "whistleblowing": "whistleblower-protection",
    "victims": "victim-protection",
    "collaboration": "multi-stakeholder-collaboration",
    "cooperation": "multi-stakeholder-collaboration",
    "finance": "financial-regulation",
    "csr": "corporate-responsibility",
    "corporate social responsibility": "corporate-responsibility",
    "journalist protection": "press-freedom",
    "border": "border-management",
    "borders": "border-management",
    "research": "evidence-and-awareness",
    "awareness": "evidence-and-awareness",
}

EVENT_KINDS: tuple[str, ...] = (
    "regional-conference",
    "national-roundtable",
    "report-release",
    "meeting",
)
EVENT_KIND_ALIASES: Mapping[str, str] = {
    "conference": "regional-conference",
    "roundtable": "national-roundtable",
    "launch": "report-release",
    "release": "report-release",
    "report-launch": "report-release",
}

STAKEHOLDER_KINDS: tuple[str, ...] = ("organisation", "person", "group")
STAKEHOLDER_KIND_ALIASES: Mapping[str, str] = {
    "organization": "organisation",
    "org": "organisation",
    "people": "person",
    "speaker": "person",
}

# "lead": a source says the stakeholder led the event (or the series it belongs to).
ROLES: tuple[str, ...] = (
    "host",
    "lead",
    "funder",
    "speaker",
    "participant",
    "author",
    "supervisor",
    "publisher",
)

SOURCE_KINDS: tuple[str, ...] = ("article", "news", "story", "press-release", "report")

RECOMMENDATION_KINDS: tuple[str, ...] = ("next-step", "call")
RECOMMENDATION_KIND_ALIASES: Mapping[str, str] = {
    "next steps": "next-step",
    "calls": "call",
    "opening remarks": "call",
}

# "topic": the source names only what the speaker spoke about, not what was said.
QUOTE_KINDS: tuple[str, ...] = ("direct", "paraphrase", "topic")

COUNTRY_KINDS: tuple[str, ...] = ("country", "region")

# The basis of a link or classification: a source states it, or it is our own.
BASIS_KINDS: tuple[str, ...] = ("source", "editorial")

_SPACES = re.compile(r"[\s_\-‐-―]+")


# ASCII whitespace but the space itself (what str.split() and \s also take as a space).
_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def fold(text: str) -> str:
    """Fold ``text`` for matching: case, accents, dashes and runs of space."""
    if text.isascii():  # most text: string methods instead of the regex (4-6x faster)
        text = text.lower()
        if "-" in text:
            text = text.replace("-", " ")
        if "_" in text:
            text = text.replace("_", " ")
        if "  " in text or text[:1] == " " or text[-1:] == " " or any(c in text for c in _ASCII_SPACES):
            return " ".join(text.split())
        return text
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return fold_slowly(text)


def fold_slowly(text: str) -> str:
    """`fold` by its definition (the ASCII shortcut is tested against it)."""
    return _SPACES.sub(" ", text.casefold()).strip()


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The valid choice nearest to ``value``, or None when nothing is close."""
    by_fold = {fold(c): c for c in choices}
    near = difflib.get_close_matches(fold(value), list(by_fold), n=1, cutoff=0.6)
    return by_fold[near[0]] if near else None


def resolve(value: str, choices: Iterable[str], aliases: Mapping[str, str]) -> str | None:
    """Map a user's spelling onto a canonical choice; None when it is unknown."""
    wanted = fold(value)
    for choice in choices:
        if fold(choice) == wanted:
            return choice
    for alias, target in aliases.items():
        if fold(alias) == wanted:
            return target
    return None
