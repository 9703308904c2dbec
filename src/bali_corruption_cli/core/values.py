"""Records as plain values: the one ``Record`` type, and every string inside a value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Record = dict[str, Any]  # a validated record as plain JSON-like data: the one home of this type


def strings(value: Any) -> list[str]:
    """Every string inside a value (nested lists and mappings included), in order."""
    out: list[str] = []
    collect_strings(value, out)
    return out


def collect_strings(value: Any, out: list[str]) -> None:
    """`strings`, appended to ``out`` (a list, not a generator, and plain types checked first:
    the text index calls it for the fields of 100,000 records)."""
    kind = type(value)
    if kind is dict or kind is list:
        items = value.values() if kind is dict else value
    elif isinstance(value, str):
        out.append(value)
        return
    elif isinstance(value, (Mapping, list)):
        items = value.values() if isinstance(value, Mapping) else value
    else:
        return
    for item in items:
        if type(item) is str:
            out.append(item)
        else:
            collect_strings(item, out)


def digest_of_modules(paths: Iterable[Path]) -> str:
    """A short digest of these source files' bytes (a file that cannot be read counts by name)."""
    from hashlib import blake2b

    digest = blake2b(digest_size=10)
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    return digest.hexdigest()
