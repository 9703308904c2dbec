"""The catalogue's edition read from ``edition.toml`` in its folder, within the loader's limits.

A folder without one has no stated edition (None); a malformed one is invalid data (exit 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bali_corruption_cli.catalog.files import read_collection_file
from bali_corruption_cli.core.errors import DataError
from bali_corruption_cli.model.edition import EDITION_FILE


def read(folder: Path) -> dict[str, Any] | None:
    """The edition of the catalogue in ``folder`` as plain values (the date as ISO 8601),
    None when the folder has no ``edition.toml``."""
    import tomllib

    from pydantic import ValidationError

    from bali_corruption_cli.model.edition import Edition

    path = folder / EDITION_FILE
    data = read_collection_file(path)
    if not data and not path.exists():
        return None
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: not valid TOML: {exc}") from exc
    try:
        edition = Edition.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise DataError(f"{path}: {where}: {first['msg']}") from exc
    return edition.model_dump(mode="json")
