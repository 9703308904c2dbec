"""``bcc new``: a skeleton record appended to a collection file, kept only if it validates.

The record is written as text after the file's last byte: the file's comments
and layout are untouched (nothing is re-dumped).  The new content is first
validated with the whole catalogue (and its overlays) from a scratch copy of
the target folder; only then is it written, to a temporary file beside the
target and renamed over it, so a failed or interrupted run changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bali_corruption_cli.core.errors import DataError, UsageError
from bali_corruption_cli.model import layout, vocab

CITATION = "sources"


@dataclass(frozen=True)
class Field:
    """A key of a collection's records, as `bcc new` asks for it."""

    name: str
    required: bool
    text: bool  # a plain string: a value is taken as written, not read as YAML
    example: str


def fields(collection: str) -> list[Field]:
    """The keys of a collection's records, in the model's order."""
    from bali_corruption_cli.model.schemas import _resolve, schema_for

    schema = schema_for(collection)
    defs = schema.get("$defs", {})
    item = _resolve(schema["items"], defs)
    required = set(item.get("required", ()))
    out = []
    for name, prop in item["properties"].items():
        prop = _resolve(prop, defs)
        options = [_resolve(p, defs) for p in prop.get("anyOf", [prop])]
        kinds = {p.get("type") for p in options} - {"null"}
        text = kinds == {"string"} and not any("format" in p for p in options)
        out.append(Field(name, name in required, text, _example(name, options)))
    return out


def _example(name: str, options: Sequence[dict[str, Any]]) -> str:
    for p in options:
        if "enum" in p:
            return f"one of {', '.join(map(str, p['enum']))}"
        if p.get("type") == "array" and "enum" in p.get("items", {}):
            values = p["items"]["enum"]
            return f"a list of {', '.join(map(str, values))}, e.g. [{values[0]}]"
        if p.get("format") == "date":
            return "a date, e.g. 2023-11-21"
    if name == CITATION:
        return "a list, e.g. [{source: SOURCE-ID, at: 'para 2'}]"
    return "text"


def parse_value(field: Field, raw: str) -> Any:
    """A value given on the command line or at a prompt: text as written, else YAML."""
    if field.text:
        return raw
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise UsageError(
            f"{field.name}: cannot read {raw!r} as YAML ({problem}); expected {field.example}"
        ) from exc


def answer_problem(collection: str, field: Field, raw: str) -> tuple[Any, str | None]:
    """An answer to a prompt read for ``field`` (a list field also takes a bare value, or
    values separated by commas), and why it is not valid for the field, as the model says
    (None when it is)."""
    from pydantic import ConfigDict, TypeAdapter, ValidationError

    from bali_corruption_cli.model.models import MODELS

    try:
        value = parse_value(field, raw)
    except UsageError as exc:
        return None, exc.message
    info = MODELS[collection].model_fields[field.name]
    kind: Any = info.annotation
    if info.metadata:
        from typing import Annotated

        kind = Annotated[(kind, *info.metadata)]
    if isinstance(value, str) and getattr(info.annotation, "__origin__", None) is list:
        value = [part.strip() for part in value.split(",") if part.strip()]
    try:
        TypeAdapter(kind, config=ConfigDict(strict=True)).validate_python(value)
    except ValidationError as exc:
        return value, _why(exc.errors()[0], field)
    except Exception:  # a type the adapter cannot take alone: the whole record is checked later
        return value, None
    return value, None


def _why(err: Any, field: Field) -> str:
    given = err.get("input")
    if err.get("type") == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        hint = vocab.closest(str(given), choices)
        did = f" (did you mean '{hint}'?)" if hint else ""
        return f"{given!r} is not a valid {field.name} value{did}; valid: {', '.join(choices)}"
    return f"{err.get('msg', 'invalid value')} (got {given!r}); expected {field.example}"


def record(
    collection: str,
    given: Mapping[str, str],
    ask: Callable[[Field], str] | None,
    tell: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The new record (keys in the model's order) and the optional keys left out.

    ``given``: KEY -> VALUE from the command line; ``ask`` (on a terminal) prompts for
    a required key not given, again (after ``tell`` says why) until the answer is valid
    for the field, keeping the answers already given; without it a missing required key
    is a UsageError."""
    known = fields(collection)
    by_name = {f.name: f for f in known}
    for key in given:
        if key not in by_name:
            hint = vocab.closest(key, by_name)
            did = f" (did you mean '{hint}'?)" if hint else ""
            raise UsageError(f"unknown field {key!r} for {collection}{did}; valid: {', '.join(by_name)}")
    missing = [f.name for f in known if f.required and f.name not in given]
    if missing and ask is None:
        shown = " ".join(f"--set {name}=..." for name in missing)
        raise UsageError(
            f"missing required field{'' if len(missing) == 1 else 's'} for a new "
            f"{layout.SINGULAR[collection]}: {', '.join(missing)}; "
            f"give them with {shown} (or run on a terminal to be asked)"
        )
    out: dict[str, Any] = {}
    for f in known:
        if f.name in given:
            out[f.name] = parse_value(f, given[f.name])
        elif f.required and ask is not None:
            while True:
                value, problem = answer_problem(collection, f, ask(f))
                if problem is None:
                    out[f.name] = value
                    break
                if tell is not None:
                    tell(f"{f.name}: {problem}; try again")
    left_out = [f.name for f in known if f.name not in out]
    return out, left_out


def flow(value: Any) -> str:
    """One value as a single line of YAML (flow style), quoted where YAML needs it."""
    import yaml

    text = yaml.safe_dump(
        [value], default_flow_style=True, allow_unicode=True, sort_keys=False, width=1 << 30
    )
    return text.strip()[1:-1]


def record_text(rec: Mapping[str, Any], left_out: Sequence[str]) -> str:
    """The record as block YAML in the shipped files' layout (lists of mappings one a line)."""
    lines = []
    for n, (key, value) in enumerate(rec.items()):
        lead = "- " if n == 0 else "  "
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{lead}{key}:")
            lines.extend(f"    - {flow(v)}" for v in value)
        else:
            lines.append(f"{lead}{key}: {flow(value)}")
    if left_out:
        lines.append(f"  # optional, left out: {', '.join(left_out)}")
    return "\n".join(lines) + "\n"


def appended(old: bytes, text: str) -> bytes:
    """The file's bytes with the record after them, a blank line apart."""
    if not old.strip():
        return old + text.encode("utf-8")
    sep = b"" if old.endswith(b"\n") else b"\n"
    blank = b"" if old.endswith(b"\n\n") else b"\n"
    return old + sep + blank + text.encode("utf-8")


def staged(target: Path, filename: str, content: bytes) -> tuple[Path, Path]:
    """A scratch copy of ``target`` (a folder) with ``filename`` holding ``content``:
    (scratch root to remove, the copy's folder).  Other collection files are linked
    (or copied where links are not allowed), never changed."""
    root = Path(tempfile.mkdtemp(prefix="bcc-new-"))
    copy = root / "catalogue"
    copy.mkdir()
    for other, _columns in layout.COLLECTIONS.values():
        source = target / other
        if other == filename or not source.exists():
            continue
        try:
            os.symlink(source.resolve(), copy / other)
        except OSError:
            shutil.copyfile(source, copy / other)
    (copy / filename).write_bytes(content)
    return root, copy


LOCK_WAIT_SECONDS = 60.0


@contextlib.contextmanager
def locked(folder: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """An exclusive lock on ``folder`` itself (``flock`` on the folder: no lock file is made
    or left), held while a record is read, checked and written: concurrent ``bcc new`` take
    turns.  After ``wait`` seconds a DataError says another is still adding (exit 3).  Where
    the system has no ``flock`` (Windows), no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    import time

    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DataError(
                        f"another bcc is still adding a record in {folder}; nothing written: try again"
                    ) from None
                time.sleep(0.05)
            except OSError:  # a file system without locks: go on as before
                break
        yield
    finally:
        os.close(fd)  # releases the lock


def add_record(path: Path, validated: bytes, content: bytes) -> None:
    """Replace ``path`` (a collection file, or the file a symbolic link names) with ``content``
    by the one atomic write, keeping its permissions; refused (DataError, exit 3, nothing
    written) if the file no longer holds ``validated``, the bytes the new record was checked
    with: something else changed it meanwhile."""
    from bali_corruption_cli.catalog import read_collection_file
    from bali_corruption_cli.core import atomic

    if read_collection_file(path) != validated:
        raise DataError(f"{path} changed while the new record was checked; nothing written: run again")
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    atomic.write_bytes(path, content, mode=mode)
