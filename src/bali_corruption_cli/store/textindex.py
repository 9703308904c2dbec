"""The catalogue's text folded once: what `--search` and `bcc search` scan, kept in the cache
when it is written and made in memory from the records without one (`index`).

For each record, its *haystack*: every string in it (`values.strings`, in order) folded
(`vocab.fold`) and joined by ``SEP``, with the number of the field each came from (one
byte each, the field's place in the collection's field list); a ``SEP`` inside a string is
a space in its haystack.  For each collection, its *words*: every run of ``[0-9a-z]`` in
those texts, sorted, so that a near miss of a query's word is looked up among the words
instead of in every record.

Why that is enough (the tests compare the answers with and without a cache, and with
records holding ``SEP``):

* ``--search NEEDLE`` asks whether fold(NEEDLE) is in fold(" ".join(strings(record)));
  the index only narrows, the record's own test decides.  That text is the haystack with
  each SEP run and its spaces made one space (`spaced`), so a needle without a space is in
  one exactly when it is in the other, and a needle with one is in `spaced` whenever it is
  in the record's text (a SEP inside a string is a space there, which a needle holding no
  SEP cannot have crossed); a needle holding SEP does not narrow.
* `bcc search` scores each field's text by its words: the haystack's pieces are those
  texts folded (with a space for SEP, which is no letter or digit: the same words), and a
  word of the query matches a record only where the record holds the word itself, a word
  containing it, or a near miss of it (a word of ``words``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from bali_corruption_cli.core.values import Record, collect_strings
from bali_corruption_cli.model import vocab

SEP = "\x00"  # between a record's strings; one inside a string is a space in its haystack
MAX_ALTERNATIVES = 64  # a query word with more near misses than this is not used to narrow
_AT_ONCE = 5000  # records whose words are found at once (`add_words`)


def places(fields: Sequence[str]) -> dict[str, int] | None:
    """Each field's number in a haystack's field numbers; None when a byte cannot number them."""
    return {name: n for n, name in enumerate(fields)} if len(fields) <= 255 else None


def haystack(record: Record, place: dict[str, int]) -> tuple[str, bytes] | None:
    """The record's haystack and field numbers (a SEP inside a string made a space); None
    when the record is not a collection's (not a dict, or a field not the collection's)."""
    if type(record) is not dict:
        return None
    strings: list[str] = []
    slots = bytearray()
    for key, value in record.items():
        slot = place.get(key)
        if slot is None:
            return None
        kind = type(value)
        if kind is str:
            strings.append(value)
            slots.append(slot)
        elif value and (kind is list or kind is dict):
            before = len(strings)
            collect_strings(value, strings)
            slots += bytes((slot,)) * (len(strings) - before)
    text = SEP.join(strings)
    if strings and text.count(SEP) != len(strings) - 1:
        text = SEP.join(s.replace(SEP, " ") for s in strings)
    return vocab.fold(text), bytes(slots)


def chunk(records: Sequence[Record], place: dict[str, int]) -> tuple[list[str], list[bytes]] | None:
    """The records' haystacks and field numbers; None when one is not a collection's record."""
    made = [haystack(record, place) for record in records]
    if None in made:
        return None
    return [m[0] for m in made if m is not None], [m[1] for m in made if m is not None]


def index(records: Sequence[Record], fields: Sequence[str]) -> tuple[list[str], list[bytes], list[str]]:
    """The collection's text index made in memory as the cache's is written (`chunk`,
    `add_words`): haystacks, field numbers, words; ValueError when the records are not the
    collection's (validation never gives such records)."""
    place = places(fields)
    haystacks: list[str] = []
    numbers: list[bytes] = []
    words: set[str] = set()
    for start in range(0, len(records), _AT_ONCE):
        made = chunk(records[start : start + _AT_ONCE], place) if place is not None else None
        if made is None:
            raise ValueError("records the text index cannot hold")
        add_words(words, made[0])
        haystacks += made[0]
        numbers += made[1]
    return haystacks, numbers, sorted_words(words)


# bytes.translate table: letters and digits stay (search.py's words: runs of [0-9a-z]), all else is a space
_NOT_WORD = bytes(c if c in b"0123456789abcdefghijklmnopqrstuvwxyz" else 32 for c in range(256))


def add_words(words: set[str], haystacks: Sequence[str]) -> None:
    """Add the haystacks' words to ``words`` (bytes.translate and split work in C: a regex
    over 40 MB of text takes seconds; a few thousand records at a time keeps memory low)."""
    blob = SEP.join(haystacks).encode("utf-8", "surrogatepass").translate(_NOT_WORD)
    words.update(blob.decode("ascii").split())  # only ASCII letters, digits and spaces are left


def sorted_words(words: set[str]) -> list[str]:
    """The words by length, then alphabetically (`narrowing` looks them up by length)."""
    return sorted(sorted(words), key=len)  # sorting is stable: alphabetical within a length


def pieces(haystack: str) -> list[str]:
    """The record's strings, folded (an empty string stays, as ""), in order."""
    return haystack.split(SEP)


def needle_numbers(haystacks: Sequence[str], needles: Iterable[str]) -> list[int]:
    """The numbers of the records whose text holds every needle (folded), as
    `query.text_matches` decides it, and maybe others: a needle holding SEP is not used."""
    folded = [vocab.fold(n) for n in needles]
    chosen: Iterable[int] = range(len(haystacks))
    folded = [n for n in folded if SEP not in n]  # a SEP inside a string is a space in its haystack
    for needle in sorted(folded, key=len, reverse=True):  # the longest first: it keeps fewest
        if " " not in needle:
            chosen = [n for n in chosen if needle in haystacks[n]]
            continue
        parts = [p for p in needle.split(" ") if p]
        chosen = [
            n for n in chosen if all(p in haystacks[n] for p in parts) and needle in spaced(haystacks[n])
        ]
    return list(chosen)


def spaced(haystack: str) -> str:
    """The record's folded text with its strings joined by one space, as `query.text_matches` has it."""
    return " ".join(haystack.replace(SEP, " ").split())


def narrowing(tokens: Sequence[str], words: Sequence[str], near: Any) -> list[list[str]]:
    """For each query word, the strings of which a record must hold one to match it (the
    word itself, or a near miss among ``words``; ``near(token, word)`` scores a near miss);
    a word with too many near misses to help is left out."""
    out: list[list[str]] = []
    for token in tokens:
        alternatives = [token]
        if len(token) >= 4:
            counts = {c: token.count(c) for c in set(token)}
            letters = frozenset(token)
            near_length = _by_length(words, len(token) - 2, len(token) + 2)
            if not any(c.isdigit() for c in token):  # numbers share nothing with it (a filter in C)
                near_length = list(itertools.filterfalse(str.isdigit, near_length))
            for word in near_length:
                if token in word:
                    continue  # a substring: "token" already finds it
                shared = letters.intersection(word)
                # at most this many characters can match; a near miss needs 0.4 x both lengths
                if 5 * sum(counts[c] for c in shared) < 2 * (len(token) + len(word)):
                    continue
                if near(token, word):
                    alternatives.append(word)
                    if len(alternatives) > MAX_ALTERNATIVES:
                        break
        if len(alternatives) <= MAX_ALTERNATIVES:
            out.append(alternatives)
    return out


def _by_length(words: Sequence[str], low: int, high: int) -> Sequence[str]:
    """The words of ``low`` to ``high`` characters (``words`` is sorted by length)."""
    import bisect

    start = bisect.bisect_left(words, low, key=len)
    end = bisect.bisect_right(words, high, key=len)
    return words[start:end]


def candidates(haystacks: Sequence[str], narrowed: Sequence[Sequence[str]]) -> list[int]:
    """The records holding, for every query word, one of its alternatives."""
    chosen: Iterable[int] = range(len(haystacks))
    for alternatives in sorted(narrowed, key=len):
        if len(alternatives) == 1:
            (only,) = alternatives
            chosen = [n for n in chosen if only in haystacks[n]]
        else:
            chosen = [n for n in chosen if any(a in haystacks[n] for a in alternatives)]
    return list(chosen)


def check(value: Any, field_count: int) -> tuple[list[str], list[bytes]]:
    """``value`` as a chunk's (haystacks, field numbers), else ValueError."""
    if type(value) is not tuple or len(value) != 2:
        raise ValueError("text index")
    haystacks, numbers = value
    if type(haystacks) is not list or type(numbers) is not list or len(haystacks) != len(numbers):
        raise ValueError("text index size")
    if set(map(type, haystacks)) - {str} or set(map(type, numbers)) - {bytes}:
        raise ValueError("text index types")
    if max(b"".join(numbers), default=0) >= field_count:
        raise ValueError("text index field")
    # as many pieces as field numbers in all (a record's own count is checked where it is read)
    pieces = sum(map(len, numbers))
    if "".join(haystacks).count(SEP) + sum(map(bool, numbers)) != pieces:
        raise ValueError("text index pieces")
    return haystacks, numbers


def check_words(value: Any) -> list[str]:
    if type(value) is not list or set(map(type, value)) - {str}:
        raise ValueError("words")
    return value
