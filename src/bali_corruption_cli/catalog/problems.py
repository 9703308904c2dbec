"""What is wrong in a catalogue: the Problem type and the wording of its messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bali_corruption_cli.model import derived, vocab


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a catalogue."""

    file: str
    line: int | None
    column: int | None
    id: str | None
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.id:
            parts.append(f"record '{self.id}'")
        if self.field:
            parts.append(self.field)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{': '.join(parts)}: {prefix}{self.message}"


def _field_name(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_message(err: dict[str, Any], collection: str) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        hint = vocab.closest(str(value), choices)
        did = f" (did you mean '{hint}'?)" if hint else ""
        return f"unknown value {value!r}{did}; valid: {', '.join(choices)}"
    if kind == "extra_forbidden":
        from bali_corruption_cli.model.models import MODELS

        model = MODELS[collection]
        fields = list(model.model_fields)
        hint = vocab.closest(str(err["loc"][-1]), fields)
        did = f" (did you mean '{hint}'?)" if hint else ""
        return f"unknown key{did}"
    if kind == "missing":
        return "required key is missing"
    msg = str(err.get("msg", "invalid value"))
    if value is not None and not isinstance(value, (dict, list)):
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg} (got {shown})"
    return msg


def _computed_key(kind: str, loc: Sequence[Any]) -> bool:
    """An event's hosts/funders key, which the loader computes and a file must not hold."""
    return kind == "extra_forbidden" and len(loc) == 1 and loc[0] in derived.EVENT_PARTIES


def _duplicate(path: str, line: int | None, rid: str, first: tuple[str, int | None], base: bool) -> Problem:
    """The problem of an id read twice (``first``: where it was read before)."""
    hint = (
        "rename one"
        if base or first[0] == path
        else "rename one, or add 'patch: true' (merge these fields into it) or 'replace: true' here"
    )
    return Problem(
        path,
        line,
        None,
        rid,
        "id",
        f"duplicate id; first defined at {first[0]}:{first[1]} "
        f"(ids are unique across the catalogue and its overlays; {hint})",
    )
