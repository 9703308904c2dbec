"""Citations of the sources behind a record (or of every source): APA, BibTeX, plain, CSL-JSON, RIS.

Every fact in a citation comes from the source's record (``data/sources.yaml``); the
formats for reference managers are made by :mod:`query.cite_exchange`. No I/O and no printing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.query import cite_exchange
from bali_corruption_cli.query.explore import cited_sources, lookup
from bali_corruption_cli.query.query import MONTHS

CITE_STYLES = ("apa", "bibtex", "plain", "csl-json", "ris")

# Names that keep their capitals in a sentence-case title, besides the catalogue's own
# countries and regions and any word in capitals (an acronym): the proper nouns of the
# sources' titles that are no record of the catalogue.
PROPER_NOUNS = ("Bali Process", "Southeast Asia", "South East Asia", "Asia", "Pacific")


def _flat(text: str) -> str:
    """Text on one line: runs of spaces, tabs and line ends become one space, and nothing
    else (a line separator or NEL stays, for views to show escaped; ``str.split`` would
    take it for a space)."""
    return re.sub(r"[ \t\n\r]+", " ", text).strip(" ")


def _date(source: Record, pattern: str, missing: str) -> str:
    """The source's date written with ``pattern`` ({y}, {month}, {d}), or ``missing``."""
    if not source.get("date"):
        return missing
    y, m, d = (int(x) for x in source["date"].split("-"))
    return pattern.format(y=y, month=MONTHS[m - 1], d=d)


def proper_nouns(catalog: Catalog) -> list[str]:
    """The phrases that keep their capitals: the catalogue's countries and regions, then
    ``PROPER_NOUNS``, longest first (so "Bali Process" wins over a shorter phrase inside it)."""
    names = {_flat(str(c["name"])) for c in catalog.records("countries")}
    return sorted(names | set(PROPER_NOUNS), key=lambda n: (-len(n), n))


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2


def _proper_spans(text: str, nouns: Iterable[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the proper nouns are (whole words, as written), without overlaps."""
    spans: list[tuple[int, int]] = []
    for noun in nouns:
        for match in re.finditer(rf"(?<!\w){re.escape(noun)}(?!\w)", text):
            if all(match.end() <= a or match.start() >= b for a, b in spans):
                spans.append((match.start(), match.end()))
    return sorted(spans)


def sentence_case(title: str, nouns: Iterable[str]) -> str:
    """A title in sentence case (APA 7, 6.17): the first word and the first after a colon
    keep their capital, as do acronyms and proper nouns; every other word is lowercased."""
    title = _flat(title)
    spans = _proper_spans(title, nouns)
    out: list[str] = []
    first = True
    for match in re.finditer(r"[^ ]+", title):  # `_flat` left single spaces; a separator stays in its word
        word, start = match.group(), match.start()
        kept = first or _is_acronym(word) or any(a <= start < b for a, b in spans)
        out.append(word if kept else word.lower())
        first = word.endswith(":")
    return " ".join(out)


def braced(title: str, nouns: Iterable[str]) -> str:
    """A title for BibTeX: proper nouns and acronyms in braces, so no style lowercases them."""
    title = _flat(title)
    spans = _proper_spans(title, nouns)
    for match in re.finditer(r"\w[\w'-]*", title):
        if _is_acronym(match.group()) and all(match.end() <= a or match.start() >= b for a, b in spans):
            spans.append((match.start(), match.end()))
    out, last = [], 0
    for a, b in sorted(spans):
        out += [title[last:a], "{", title[a:b], "}"]
        last = b
    return "".join([*out, title[last:]])


def authors(source: Record) -> list[str]:
    """The work's authors as cited: its ``authors``, else its publisher (a group author)."""
    return [_flat(a) for a in source.get("authors") or [source["publisher"]]]


def cited_title(source: Record, nouns: Iterable[str] = ()) -> str:
    """The title as cited (sentence case with ``nouns``); a reconstructed one gives way to a
    description in square brackets (APA 7, 9.29)."""
    if source.get("title_reconstructed") and source.get("description"):
        return f"[{_flat(source['description'])}]"
    return sentence_case(source["title"], nouns) if nouns else _flat(source["title"])


def reconstructed_note(source: Record) -> str | None:
    if not source.get("title_reconstructed"):
        return None
    return f"Title ours, rebuilt from the web address: {_flat(source['title'])}"


def _period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def apa_authors(names: list[str]) -> str:
    """APA 7 (9.8): one author as is; two joined by ", &"; more by commas and ", &" before the last."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _apa(source: Record, nouns: list[str]) -> str:
    # A report is dated by its year (APA 7, 10.4); a page on a website by its day (10.16).
    pattern = "{y}" if source["kind"] == "report" else "{y}, {month} {d}"
    parts = [_period(apa_authors(authors(source))), f"({_date(source, pattern, 'n.d.')}).", ""]
    parts[-1] = _period(cited_title(source, nouns))
    if source.get("site") and [source["site"]] != authors(source):  # the site's name (APA 7, 10.16)
        parts.append(_period(_flat(source["site"])))
    return " ".join([*parts, source["url"]])


def _plain(source: Record, at: str | None) -> str:
    when = _date(source, "{d} {month} {y}", "undated")
    where = f" (at: {at})" if at else ""
    note = reconstructed_note(source)
    rebuilt = f" ({note[0].lower()}{note[1:]})" if note else ""
    return f"{cited_title(source)}{rebuilt}. {source['publisher']}, {when}. {source['url']}{where}"


def _bibtex(source: Record, nouns: list[str]) -> str:
    def esc(text: str) -> str:
        text = _flat(text)
        return re.sub(r"([&%$#_{}])", r"\\\1", text)

    kind = "techreport" if source["kind"] == "report" else "misc"
    # A group author is braced whole, so no style takes its last word for a surname.
    fields = [
        f"  author = {{{' and '.join('{' + esc(a) + '}' for a in authors(source))}}}",
        f"  title = {{{braced(esc(cited_title(source)), nouns)}}}",
    ]
    if kind == "techreport":
        fields.append(f"  institution = {{{esc(source['publisher'])}}}")
    elif source.get("site"):
        fields.append(f"  howpublished = {{{esc(source['site'])}}}")
    if source.get("date"):
        y, m, d = source["date"].split("-")
        fields += [f"  year = {{{y}}}", f"  month = {MONTHS[int(m) - 1][:3].lower()}"]
        fields.append(f"  date = {{{y}-{m}-{d}}}")  # the day too (biblatex reads it)
    fields.append(f"  url = {{{source['url']}}}")
    notes = [n for n in (reconstructed_note(source), source.get("date_note")) if n]
    if notes:
        fields.append(f"  note = {{{esc('. '.join(n.rstrip('.') for n in notes) + '.')}}}")
    return f"@{kind}{{{source['id']},\n" + ",\n".join(fields) + "\n}"


def citation(source: Record, style: str, at: str | None, nouns: list[str]) -> str:
    """One source cited in ``style`` (``at``: where in it, for the styles that can say so)."""
    if style == "apa":
        return _apa(source, nouns)
    if style == "bibtex":
        return _bibtex(source, nouns)
    if style in ("csl-json", "ris"):
        notes = [n for n in (reconstructed_note(source), source.get("date_note")) if n]
        title, names = cited_title(source, nouns), authors(source)
        if style == "ris":
            return cite_exchange.ris(source, at, title, names, notes)
        return cite_exchange.csl_text(cite_exchange.csl_item(source, at, title, names, notes))
    return _plain(source, at)


def cite(catalog: Catalog, record_id: str, style: str) -> list[dict[str, Any]]:
    """Ready citations of the source(s) behind a record, one per source."""
    collection, record = lookup(catalog, record_id)
    cited = [s for s in cited_sources(catalog, collection, record) if "title" in s]
    places: dict[str, list[str]] = {}
    for source in cited:  # one citation a source, naming every place in it that the record cites
        if source.get("at") and source["at"] not in places.setdefault(source["id"], []):
            places[source["id"]].append(source["at"])
    nouns = proper_nouns(catalog)
    out = []
    seen: set[str] = set()
    for source in cited:
        if source["id"] in seen:
            continue
        seen.add(source["id"])
        at = "; ".join(places.get(source["id"], [])) or None
        text = citation(source, style, at, nouns)
        out.append({"source": source["id"], "at": at, "style": style, "citation": text})
    return out


def cite_all(catalog: Catalog, style: str) -> list[dict[str, Any]]:
    """Every source of the catalogue cited in ``style``, in the catalogue's order."""
    nouns = proper_nouns(catalog)
    return [
        {"source": s["id"], "at": None, "style": style, "citation": citation(s, style, None, nouns)}
        for s in catalog.records("sources")
    ]
