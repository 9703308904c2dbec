"""One rule for YAML scalars: a plain value that YAML 1.1 (PyYAML, bcc's reader) and the
YAML 1.2 core schema (editors checking bcc's JSON Schemas) would read differently is
refused, with the form that both read alike.

PyYAML follows YAML 1.1: ``010`` is 8 (octal), ``0b11`` is 3, ``1:30`` is 90
(base 60), ``1_000`` is 1000, ``yes``/``no``/``on``/``off`` are booleans.  In YAML
1.2 core, ``010`` is 10 and the others are text.  Dates (``2023-12-01``) are
left alone: bcc keeps them as the same ``YYYY-MM-DD`` text either way.
"""

from __future__ import annotations

import re
from typing import Any

_TAG = "tag:yaml.org,2002:"
_INT_12 = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+")  # 0o17 is text to PyYAML: never an int here
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_FLOAT_12 = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_BOOL_12 = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
KINDS = frozenset({_TAG + "bool", _TAG + "int", _TAG + "float"})


def problem(text: str, tag: str, value: Any) -> str | None:
    """Why the plain scalar ``text``, read by PyYAML as ``value`` (of ``tag``), is refused;
    None when YAML 1.2 core reads it the same."""
    quoted = "'" + text.replace("'", "''") + "'"
    as_text = f"but text in YAML 1.2; write {value!r}, or {quoted} for text"
    if tag == _TAG + "bool" and text not in _BOOL_12:
        return (
            f"{text!r} is a boolean in YAML 1.1 but text in YAML 1.2; write {'true' if value else 'false'}, "
            f"or {quoted} for text"
        )
    if tag == _TAG + "int":
        if _LEADING_ZERO.fullmatch(text):
            return (
                f"{text!r} is {value} in YAML 1.1 (octal) but {int(text)} in YAML 1.2; write {value} or "
                f"{int(text)}, or {quoted} for text"
            )
        if not _INT_12.fullmatch(text):
            return f"{text!r} is the number {value} in YAML 1.1 {as_text}"
    if tag == _TAG + "float" and not _FLOAT_12.fullmatch(text):
        return f"{text!r} is the number {value!r} in YAML 1.1 {as_text}"
    return None
