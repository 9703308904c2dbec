"""The fast reader of large files: batches of records built from libyaml's events, in forked workers."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any

from bali_corruption_cli.catalog.files import _File
from bali_corruption_cli.catalog.interrupts import _stop_if_interrupted
from bali_corruption_cli.catalog.problems import Problem, _duplicate
from bali_corruption_cli.catalog.reader import (
    _CONSTRUCT_ERRORS,
    _COUNT_NODES_OVER_BYTES,
    MAX_DEPTH,
    _LazyBatch,
)
from bali_corruption_cli.catalog.records import Record
from bali_corruption_cli.core import processes
from bali_corruption_cli.core.processes import workers
from bali_corruption_cli.model import yaml12

# Files larger than this that are a plain top-level block sequence are read a
# batch of records at a time, so that only one batch's node tree (some 12 KB a
# record) is alive at once; a batch stays within the size the node-count guard
# lets through whole.
BATCH_MIN_BYTES = 1 << 20
BATCH_RECORDS = 2000


def _batches(f: _File) -> list[tuple[int, int, int, int]] | None:
    """Split a plain top-level block sequence into (start, end, lines before, records).

    Offsets are in the file's bytes, which are decoded a batch at a time (the
    whole text, and its slices, would each cost the file's size again).

    None when the file is not that simple (tabs, document markers, anything but
    '- ', comments and indented lines at column 0) or a record is too large: it
    is then read whole.
    """
    import re

    data = f.data
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # its first line is then checked as the head
    # A line may start only with "- " (or a lone "-"), a space, "#" or its end ("---" is out).
    # The patterns start with a literal "\n", which re finds fast (re.M "^": 8x slower);
    # the first line is checked on its own.
    bad = rb"(?:[^-# \r\n]|-[^ \r\n])"
    if b"\t" in data or re.compile(bad).match(data, bom) or re.compile(rb"\n" + bad).search(data, bom):
        return None
    first = [bom] if re.compile(rb"-(?= |\r?\n|\r?$)").match(data, bom) else []
    starts = first + [m.start() + 1 for m in re.compile(rb"\n-(?= |\r?\n|\r?$)").finditer(data, bom)]
    try:
        head = data[: starts[0]].decode("utf-8-sig").splitlines() if starts else []
    except UnicodeDecodeError:
        return None
    if not starts or any(t.strip() and not t.lstrip().startswith("#") for t in head):
        return None  # nothing but blank lines and comments before the first record
    starts.append(len(data))
    out: list[tuple[int, int, int, int]] = []
    line = data.count(b"\n", 0, starts[0])
    k = 0
    while k < len(starts) - 1:
        n = 1
        while (
            n < BATCH_RECORDS
            and k + n < len(starts) - 1
            and starts[k + n + 1] - starts[k] <= _COUNT_NODES_OVER_BYTES
        ):
            n += 1
        begin, end = starts[k], starts[k + n]
        if end - begin > _COUNT_NODES_OVER_BYTES:
            return None  # one record over a MiB: the whole-file path counts its nodes
        out.append((begin, end, line, n))
        line += data.count(b"\n", begin, end)
        k += n
    return out


_TAG = "tag:yaml.org,2002:"
_T_STR, _T_SEQ, _T_MAP, _T_NULL, _T_BOOL = (_TAG + t for t in ("str", "seq", "map", "null", "bool"))


class _Slow(Exception):
    """The fast reader met something it leaves to the full one (which then reports it exactly)."""


def _plain_events(
    loader: Any, canon: dict[str, str], tags: dict[str, str] | None = None
) -> tuple[list[Any], list[int]]:
    """A block sequence's items, built straight from libyaml's events, and their lines.

    The data is what PyYAML's full loader builds (`reader._check_shape` + the strict
    constructor: tests/test_fast_reader.py holds them to it), for the plain cases
    only: untagged str, int, float, bool, null and dates, lists, and mappings with
    scalar keys.  Anything else raises _Slow (an anchor or alias, an explicit tag,
    a complex or repeated key, nesting deeper than MAX_DEPTH, a value its
    constructor refuses, a second document): the caller then reads the file with
    the full loader, which reports any problem with its line.  Skipping PyYAML's
    node tree saves about a quarter of the reading time (no node, no resolver call
    for most strings).  Equal strings of up to 64 characters become one object
    (``canon``, as `build._share_strings` does); ``tags`` remembers the resolver's answer for
    short plain scalars it must be asked about (keys such as "title", "themes").
    """
    import yaml

    get = loader.get_event
    share = canon.setdefault
    scalar_event = yaml.ScalarEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    resolve = loader.resolve
    tags = {} if tags is None else tags
    starts = _implicit_starts(loader)
    fast = starts is not None
    constructors = {
        _T_BOOL: loader.construct_yaml_bool,
        _TAG + "int": loader.construct_yaml_int,
        _TAG + "float": loader.construct_yaml_float,
        _TAG + "timestamp": loader.construct_yaml_timestamp,
    }
    no_key = _NO_KEY

    def expect(kind: Any) -> Any:
        event = get()
        if type(event) is not kind:
            raise _Slow
        return event

    expect(yaml.StreamStartEvent)
    expect(yaml.DocumentStartEvent)
    first = expect(sequence_start)
    if first.anchor is not None or first.tag not in (None, "!"):
        raise _Slow
    root: list[Any] = []
    lines: list[int] = []
    stack: list[Any] = [root]
    top: Any = root
    is_map = False
    key: Any = no_key
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_event:
            value = event.value
            tag = event.tag
            if event.anchor is not None or len(stack) >= MAX_DEPTH or tag not in (None, "!"):
                raise _Slow
            implicit = event.implicit
            if fast and (not implicit[0] or (value and value[0] not in starts)):  # type: ignore[operator]
                tag = _T_STR  # what the resolver would answer, without calling it
            elif fast and len(value) <= 32:
                # Without path resolvers a plain scalar's tag depends on its text alone.
                tag = tags.get(value)
                if tag is None:
                    tag = resolve(yaml.ScalarNode, value, implicit)
                    if len(tags) < 4096:
                        tags[value] = tag
            else:
                tag = resolve(yaml.ScalarNode, value, implicit)
            if tag == _T_STR:
                if len(value) <= 64:
                    value = share(value, value)
            elif tag == _T_NULL:
                value = None
            else:
                make = constructors.get(tag)
                if make is None:
                    raise _Slow  # "<<" (merge), "=" (value) and the like
                value_text = value
                node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
                try:
                    value = make(node)
                except _CONSTRUCT_ERRORS as exc:
                    raise _Slow from exc
                if type(value) is int and value.bit_length() > 64:
                    raise _Slow
                if yaml12.problem(value_text, tag, value) is not None:
                    raise _Slow  # a YAML 1.1-only form: the full loader says which
            if is_map:
                if key is no_key:
                    if value in top or type(value) is not str:
                        # A repeated key, or a key that is not text ("true" and 'true'
                        # are one key to the full loader's check): the full loader decides.
                        raise _Slow
                    key = value
                    continue
                top[key] = value
                key = no_key
            else:
                if top is root:
                    lines.append(event.start_mark.line)
                top.append(value)
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
                raise _Slow
            new: Any = {} if kind is mapping_start else []
            if is_map:
                if key is no_key:
                    raise _Slow  # a mapping or list as a key
                top[key] = new
            else:
                if top is root:
                    lines.append(event.start_mark.line)
                top.append(new)
            stack.append(new)
            top, is_map, key = new, kind is mapping_start, no_key
        elif kind in ends:
            if top is root:
                break
            stack.pop()
            top = stack[-1]
            is_map, key = type(top) is dict, no_key
        else:
            raise _Slow  # an alias
    expect(yaml.DocumentEndEvent)
    expect(yaml.StreamEndEvent)
    return root, lines


_NO_KEY = object()


def _implicit_starts(loader: Any) -> frozenset[str] | None:
    """First characters of plain scalars that an implicit resolver may claim (int, bool, date...):
    any other plain scalar, and any quoted or block one, is a string (BaseResolver.resolve).
    None (always ask the resolver) if one claims any first character, or paths are resolved."""
    resolvers = loader.yaml_implicit_resolvers
    if None in resolvers or loader.yaml_path_resolvers:
        return None
    return frozenset(k for k in resolvers if k)


def _read_batches(f: _File, parts: Sequence[tuple[int, int, int, int]], model: Any) -> Any:
    """For each of some batches of a large file, its (records, lines), or None when it has a
    problem of any kind (the full reader then reads that batch, and reports it exactly)."""
    import yaml
    from pydantic import ValidationError

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    tags: dict[str, str] = {}
    # model_validate(raw).model_dump(mode="json") without its Python wrappers (~5 us a record)
    validate = model.__pydantic_validator__.validate_python
    dump = model.__pydantic_serializer__.to_python
    results: list[tuple[list[Record], list[int]] | None] = []
    canon: dict[str, str] = {}
    for begin, end, offset, count in parts:
        _stop_if_interrupted()
        results.append(None)
        try:
            chunk = f.data[begin:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        loader = loader_class(chunk)
        try:
            data, item_lines = _plain_events(loader, canon, tags)
        except (yaml.YAMLError, _Slow, RecursionError):
            continue
        finally:
            loader.dispose()
        if len(data) != count:
            continue
        records: list[Record] = []
        try:
            records.extend(dump(validate(raw), mode="json") for raw in data)
        except ValidationError:
            continue
        results[-1] = (records, [offset + line + 1 for line in item_lines])
        del data
    # Equal short strings were made one object as they were read (Pydantic keeps them):
    # no build._share_strings walk needed (it cost ~9 us a record).
    return results


def _send(fd: int, results: list[Any]) -> None:
    """A worker's results to the pipe ``fd``, a batch at a time as marshal (each preceded by
    its size): neither process holds them all as bytes (18 MB at 100,000 practices)."""
    import marshal

    with open(fd, "wb") as out:
        for result in results:  # not freed as sent: the parent would wait for that too
            frame = marshal.dumps(result)
            out.write(len(frame).to_bytes(8, "little"))
            out.write(frame)


def _receive(fd: int, count: int) -> list[Any]:
    """Up to ``count`` results sent by `_send` on the pipe ``fd``: fewer if the worker died
    on the way (only whole ones are kept; the caller reads the rest itself)."""
    import marshal

    out: list[Any] = []
    with open(fd, "rb", closefd=False) as fh:
        while len(out) < count:
            head = fh.read(8)
            if len(head) != 8:
                break
            size = int.from_bytes(head, "little")
            frame = fh.read(size)
            if len(frame) != size:
                break
            try:
                result = marshal.loads(frame)
            except (EOFError, ValueError, TypeError):
                break
            if not (result is None or (type(result) is tuple and len(result) == 2)):
                break
            out.append(result)
    return out


def _send_batches(f: _File, share: Sequence[tuple[int, int, int, int]], model: Any, w: int) -> None:
    """A worker's job: read its share of batches and send them back through ``w``."""
    _send(w, _read_batches(f, share, model))


def _read_batches_parallel(f: _File, parts: Sequence[tuple[int, int, int, int]], model: Any) -> Any:
    """`_read_batches` with the batches shared among forked processes (parsing YAML is most
    of a cold load). Each child sends its results back through a pipe as marshal, a batch
    at a time (`_send`); what a child that fails for any reason other than the data did not
    send is redone here.  The results are in the order of ``parts``."""
    count = min(workers(), len(parts) // 2)
    if count < 2:
        return _read_batches(f, parts, model)
    sizes = [end - begin for begin, end, _lines, _n in parts]
    total = sum(sizes)
    shares: list[list[tuple[int, int, int, int]]] = [[] for _ in range(count)]
    # Contiguous shares by bytes; this process takes a little less (0.9 of a share):
    # it also receives and merges the others' answers.
    weight = 0.9 + (count - 1)
    bounds = [(0.9 + k) / weight for k in range(count)]
    done = 0
    for part, size in zip(parts, sizes, strict=True):
        middle = (done + size / 2) / total
        shares[next((k for k, bound in enumerate(bounds) if middle < bound), count - 1)].append(part)
        done += size
    children: list[tuple[int, int, list[tuple[int, int, int, int]]]] = []
    received: set[int] = set()  # children whose answer was read whole
    try:
        for share in shares[1:]:
            child = processes.piped(
                functools.partial(_send_batches, f, share, model),
                close=[other for _pid, other, _share in children],
            )
            if child is None:
                shares[0].extend(share)  # no process to spare: read it here
                continue
            children.append((child[0], child[1], share))
        found: dict[int, Any] = dict(
            zip((p[0] for p in shares[0]), _read_batches(f, shares[0], model), strict=True)
        )
        for pid, r, share in children:
            _stop_if_interrupted()
            theirs = _receive(r, len(share))
            received.add(pid)
            if len(theirs) < len(share):  # the child died: do the rest of its share here
                theirs += _read_batches(f, share[len(theirs) :], model)
            found.update(zip((p[0] for p in share), theirs, strict=True))
            del theirs
        return [found[begin] for begin, _end, _lines, _n in parts]
    finally:  # also on Ctrl-C, or at a problem: no worker outlives the load
        for pid, r, _share in children:
            os.close(r)
            if pid in received:
                processes.succeeded(pid)  # reaped
            else:
                processes.stop(pid)


def _add_batched(
    f: _File,
    model: Any,
    collections: dict[str, list[Record]],
    origins: dict[str, tuple[str, int | None]],
    places: dict[str, tuple[str, Any]],
    seen: dict[str, tuple[str, int | None]],
    base: bool,
    add: Callable[[_File], None],
) -> list[Problem] | None:
    """Add a large file's records, read in batches (in parallel), keeping only their lines.

    A batch with a problem of any kind is given to ``add`` (the full reader, which
    reports it exactly); the others are not read again.  Returns the duplicate ids
    found, or None, with nothing added, when the file is not read in batches.
    """
    parts = _batches(f)
    if parts is None:
        return None
    results = _read_batches_parallel(f, parts, model)
    # The file's bytes (50 MB at 100,000 practices) are let go before its records are
    # placed, checked and cached, keeping only the batches the full reader must read:
    # a message that needs a line reads the file again (`_LazyBatch.node`).
    again = {n: _LazyBatch(f, part).batch() for n, part in enumerate(parts) if results[n] is None}
    _LazyBatch.release(f)
    path = str(f.path)
    records_of = collections[f.collection]
    problems: list[Problem] = []
    for n, (part, result) in enumerate(zip(parts, results, strict=True)):
        if result is None:
            add(again.pop(n))
            continue
        lazy = _LazyBatch(f, part)
        for k, (record, line) in enumerate(zip(*result, strict=True)):
            rid = record["id"]
            if rid in seen:
                problems.append(_duplicate(path, line, rid, seen[rid], base))
                continue
            seen[rid] = (path, line)
            places[rid] = (path, (lazy, k))
            origins[rid] = (path, line)
            records_of.append(record)
    return problems
