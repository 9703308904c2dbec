"""The catalogue's edition (``edition.toml`` beside the collection files): a strict model.

Kept by the maintainers: a version and a date, the catalogue's title and authors, and
the licence of the data (distinct from the code's).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EDITION_FILE = "edition.toml"

_Text = Annotated[str, StringConstraints(min_length=1)]


class Licence(BaseModel):
    """The terms on which the data may be reused."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: _Text = Field(description="An SPDX licence identifier, e.g. 'CC-BY-4.0'.")
    name: _Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    notice: _Text = Field(description="What the licence covers, and what it does not (quoted text).")


class Edition(BaseModel):
    """One published state of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    title: _Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = Field(
        description="MAJOR.MINOR.PATCH, raised by the maintainers with each published change."
    )
    date: dt.date = Field(description="The day this edition was published.")
    authors: list[_Text] = Field(min_length=1)
    licence: Licence
