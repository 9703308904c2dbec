"""bcc export --format json: the bytes of ``json.dumps(document, ensure_ascii=False, indent=2)``
and a newline, whichever encoder made them (orjson where it gives those bytes, else the
standard library: a float, an integer past 64 bits).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bali_corruption_cli.export import maintain
from bali_corruption_cli.model import layout
from conftest import Run


def test_the_export_is_the_standard_librarys_json(bcc: Callable[..., Run], tmp_path: Path) -> None:
    document = {name: bcc(name, "--json").json() for name in layout.COLLECTIONS}
    path = tmp_path / "catalogue.json"
    assert bcc("export", "--format", "json", str(path)).exit_code == 0
    assert path.read_bytes() == (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(st.characters(exclude_categories=["Cs"]))  # no lone surrogate: not UTF-8 at all
    | st.sampled_from(["\x00\x1b[31m\x7f", "\u2028\u2029", "tab\there", 'quote " back \\', "\U0001f600"])
    | st.floats(allow_nan=False)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
)


@settings(max_examples=500, deadline=None)
@given(values)
def test_any_json_value_is_written_as_the_standard_library_writes_it(value: Any) -> None:
    assert maintain.json_document(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )
