"""The full YAML reader: a file's bytes to data and node tree, with the exact line of every problem."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from bali_corruption_cli.catalog.files import _File, _read_again
from bali_corruption_cli.catalog.problems import Problem
from bali_corruption_cli.model import yaml12

if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 64


def _loader_class() -> type[yaml.SafeLoader]:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        """Safe loader (libyaml's C parser where available) that rejects repeated keys."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if not isinstance(node, yaml.MappingNode):  # e.g. "!!set a": PyYAML raises the error
                return super().construct_mapping(node, deep=deep)
            seen: dict[Any, Any] = {}
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in seen:
                        raise _RepeatedKey(key, seen[key], key_node.start_mark)
                    seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep=deep)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            # PyYAML's constructors raise plain ValueError/KeyError on values such as
            # 2020-02-30, "!!int abc" or a 5000-digit integer: make them YAML errors at the node,
            # or, when the loader collects them (`values`), a problem of that value alone: the
            # value is kept as its text and the rest of the file is still read and checked.
            try:
                value = super().construct_object(node, deep=deep)
            except (yaml.YAMLError, _RepeatedKey, RecursionError):
                raise
            except Exception as exc:  # ValueError, IndexError, AttributeError... from a scalar's constructor
                shown = repr(node.value[:60]) if isinstance(node.value, str) else "this value"
                kind = str(node.tag).rsplit(":", 1)[-1]
                if kind == "timestamp" and re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", str(node.value)):
                    kind = "date"  # what the field calls it
                return self._refused(node, f"{shown} is not a valid {kind} ({exc})", "invalid", None, exc)
            if type(value) is int and value.bit_length() > 64:  # 0x... with 5000 digits: no repr
                return self._refused(node, "integer too large (more than 64 bits)", "invalid", None)
            if node.tag in yaml12.KINDS and not node.style and type(node) is yaml.ScalarNode:
                why = yaml12.problem(node.value, node.tag, value)  # 010, 0b11, 1:30, yes...
                if why is not None:
                    return self._refused(node, why, "yaml11", value)
            return value

        def _refused(
            self, node: Any, why: str, kind: str, value: Any, cause: BaseException | None = None
        ) -> Any:
            values = getattr(self, "values", None)
            if values is None or type(node) is not yaml.ScalarNode:
                raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from cause
            mark = node.start_mark
            values.append(
                ValueProblem(
                    "",
                    mark.line + 1,
                    mark.column + 1,
                    None,
                    None,
                    why,
                    kind=kind,
                    text=node.value,
                    value=value,
                )
            )
            return node.value

    return Loader


@dataclass(frozen=True)
class ValueProblem(Problem):
    """A scalar YAML itself refuses (``2023-10-32``) or reads otherwise in YAML 1.1
    (``yes``): kept as its text while the rest of the file is read; the loader words it
    for the field it is in (`catalog.build`).  ``kind``: "invalid" or "yaml11"; ``text``:
    the scalar as written; ``value``: what YAML 1.1 reads it as."""

    kind: str = "invalid"
    text: str = ""
    value: Any = None
    loc: tuple[Any, ...] = ()  # its place in its record, as validation names it


class _RepeatedKey(Exception):
    def __init__(self, key: str, first: Any, again: Any) -> None:
        super().__init__(key)
        self.key = key
        self.first = first
        self.again = again


def _check_shape(node: Any, path: str) -> Problem | None:
    """Refuse anchors/aliases (no expansion bombs) and absurd nesting, without recursion."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        mark = current.start_mark
        if id(current) in seen:
            return Problem(
                path,
                mark.line + 1,
                mark.column + 1,
                None,
                None,
                "anchors and aliases are not allowed in catalogue files",
            )
        seen.add(id(current))
        if depth > MAX_DEPTH:
            return Problem(
                path, mark.line + 1, mark.column + 1, None, None, f"nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(current.value, list):
            for child in current.value:
                if isinstance(child, tuple):
                    stack.append((child[0], depth + 1))
                    stack.append((child[1], depth + 1))
                else:
                    stack.append((child, depth + 1))
    return None


# Building PyYAML's node tree costs some 300 bytes a node: a 64 MiB file of "[1,1,1,..."
# would need gigabytes.  Files over a mebibyte (which can hold a million nodes) are
# first counted, streaming, and refused past MAX_NODES.
MAX_NODES = 1_000_000
# What PyYAML's constructors raise on values they cannot build (e.g. 2023-02-30, !!int abc).
_CONSTRUCT_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError)
_COUNT_NODES_OVER_BYTES = 1024 * 1024


def _too_many_nodes(text: str, path: str) -> Problem | None:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    starts = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    count = 0
    try:
        for event in yaml.parse(text, Loader=base):
            if isinstance(event, starts):
                count += 1
                if count > MAX_NODES:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
                    return Problem(
                        path,
                        line,
                        column,
                        None,
                        None,
                        f"more than {MAX_NODES:,} values in one file; split it",
                    )
    except (yaml.YAMLError, RecursionError):
        return None  # the parse proper reports it, with its place
    return None


def _parse(f: _File) -> tuple[Any, Any, list[Problem]]:
    """YAML bytes -> (python data, node tree); problems instead of exceptions."""
    import yaml

    path = str(f.path)
    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = f.data[: exc.start].count(b"\n") + 1
        bad = f"byte 0x{f.data[exc.start]:02x} at offset {exc.start}"
        return None, None, [Problem(path, line, None, None, None, f"not valid UTF-8 ({bad})")]
    if "\t" in text:
        for n, line_text in enumerate(text.splitlines(), 1):
            stripped = line_text.lstrip(" ")
            if stripped.startswith("\t"):
                return (
                    None,
                    None,
                    [
                        Problem(
                            path,
                            n,
                            len(line_text) - len(stripped) + 1,
                            None,
                            None,
                            "tab used for indentation; YAML indents with spaces",
                        )
                    ],
                )
    if len(f.data) > _COUNT_NODES_OVER_BYTES:
        too_many = _too_many_nodes(text, path)
        if too_many is not None:
            return None, None, [too_many]
    loader: Any = _loader_class()(text)
    refused: list[ValueProblem] = []
    loader.values = refused  # values refused one by one (see `ValueProblem`)
    try:
        node = loader.get_single_node()
        if node is None or (
            isinstance(node, yaml.ScalarNode)
            and node.value == ""
            and not node.style
            and node.tag == "tag:yaml.org,2002:null"
        ):
            return [], None, []  # no document, or an empty one ("---" alone): an empty collection
        shape = _check_shape(node, path)
        if shape is not None:
            return None, None, [shape]
        data = loader.construct_document(node)
        return data, node, [replace(v, file=path) for v in refused]
    except _RepeatedKey as exc:
        return (
            None,
            None,
            [
                Problem(
                    path,
                    exc.again.line + 1,
                    exc.again.column + 1,
                    None,
                    exc.key,
                    f"key repeated in one mapping (first at line {exc.first.line + 1})",
                )
            ],
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {what}")]
        return (
            None,
            None,
            [Problem(path, mark.line + 1, mark.column + 1, None, None, f"invalid YAML: {what}")],
        )
    except yaml.YAMLError as exc:
        return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, None, [Problem(path, None, None, None, None, "document nested too deeply")]
    except _CONSTRUCT_ERRORS as exc:  # from PyYAML
        return None, None, [Problem(path, None, None, None, None, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()


def _node_at(node: Any, loc: Sequence[Any]) -> Any:
    """The YAML node at a Pydantic error location (as deep as it can be followed)."""
    import yaml

    current = node
    for part in loc:
        if isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
            current = current.value[part]
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if getattr(key_node, "value", None) == part:
                    current = value_node
                    break
            else:
                return current
        else:
            return current
    return current


def _line_of(node: Any, loc: Sequence[Any]) -> tuple[int | None, int | None]:
    if isinstance(node, _LazyBatch):
        node = node.node()
    if node is None:
        return None, None
    target = _node_at(node, loc)
    return target.start_mark.line + 1, target.start_mark.column + 1


class _LazyBatch:
    """The node tree of one batch of a large file, parsed only when a message needs a line
    (one batch's tree is kept at a time).

    Once the file's records are all read, its bytes are let go (`release`); a message
    that needs a line then reads the file again (`files._read_again`), and has no line
    if the file has changed since (``_gone`` remembers those files, for one build)."""

    _last: tuple[_LazyBatch, Any] | None = None
    _gone: ClassVar[set[str]] = set()

    def __init__(self, f: _File, part: tuple[int, int, int, int]) -> None:
        self.file, self.part = f, part  # nothing copied until needed

    @staticmethod
    def release(f: _File) -> None:
        """Let go of the bytes of a file whose records are all read in batches."""
        f.data = b""

    def batch(self, data: bytes | None = None) -> _File:
        """The batch as a file of its own (see `build._parts`): its line numbers are the file's."""
        begin, end, lines_before, _count = self.part
        whole = self.file.data if data is None else data
        return _File(self.file.collection, self.file.path, b"\n" * lines_before + whole[begin:end])

    def node(self) -> Any:
        """The batch's node tree; None if the file's bytes were let go and it has changed since."""
        last = _LazyBatch._last
        if last is not None and last[0] is self:
            return last[1]
        data: bytes | None = self.file.data
        if len(self.file.data) < self.part[1]:  # let go (`release`): read again
            path = str(self.file.path)
            data = None if path in _LazyBatch._gone else _read_again(self.file)
            if data is None:
                _LazyBatch._gone.add(path)
        node = None if data is None else _parse(self.batch(data))[1]
        _LazyBatch._last = (self, node)
        return node


def _repeated_keys(f: _File) -> tuple[Any, Any, list[Problem]] | None:
    """Every key repeated in one mapping of a file, with its data (the last value wins).

    Called when the strict parse failed: if repeated keys were the reason, they
    are all reported and the rest of the file is still checked.  None otherwise.
    """
    import yaml

    try:
        text = f.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if len(f.data) > _COUNT_NODES_OVER_BYTES and _too_many_nodes(text, str(f.path)) is not None:
        return None  # refused by _parse as too large to build: not built here either
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = base(text)
    path = str(f.path)
    try:
        node = loader.get_single_node()
        if node is None or _check_shape(node, path) is not None:
            return None
        problems: list[Problem] = []
        stack: list[tuple[Any, str | None]] = []
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                rid = None
                if isinstance(item, yaml.MappingNode):
                    for key_node, value_node in item.value:
                        is_id = getattr(key_node, "value", None) == "id"
                        if is_id and isinstance(value_node, yaml.ScalarNode):
                            rid = value_node.value
                stack.append((item, rid))
        else:
            stack.append((node, None))
        while stack:
            current, rid = stack.pop()
            if isinstance(current, yaml.MappingNode):
                seen: dict[Any, Any] = {}
                for key_node, value_node in current.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key = key_node.value
                        if key in seen:
                            mark = key_node.start_mark
                            problems.append(
                                Problem(
                                    path,
                                    mark.line + 1,
                                    mark.column + 1,
                                    rid,
                                    key,
                                    "key repeated in one mapping "
                                    f"(first at line {seen[key].line + 1}); keep one",
                                )
                            )
                        else:
                            seen[key] = key_node.start_mark
                    stack.append((value_node, rid))
            elif isinstance(current, yaml.SequenceNode):
                stack.extend((child, rid) for child in current.value)
        if not problems:
            return None
        data = loader.construct_document(node)
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return data, node, problems
    except (yaml.YAMLError, RecursionError, *_CONSTRUCT_ERRORS):
        return None  # e.g. 2020-02-30: PyYAML raises ValueError; _parse has reported it
    finally:
        loader.dispose()
