"""Pydantic models of the catalogue's records: strict (unknown keys are errors) and frozen.

Vocabularies come from :mod:`bali_corruption_cli.model.vocab`, so the values that
validate are exactly the values the filters accept.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bali_corruption_cli.model import vocab

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
    Field(description="Lowercase kebab-case id, unique across the whole catalogue."),
]
Text = Annotated[str, StringConstraints(min_length=1)]
# The largest integer every output holds: SQLite's INTEGER is a signed 64-bit number.
MAX_INT = 2**63 - 1

Sector = Literal[vocab.SECTORS]  # type: ignore[valid-type]
Theme = Literal[vocab.THEMES]  # type: ignore[valid-type]
EventKind = Literal[vocab.EVENT_KINDS]  # type: ignore[valid-type]
StakeholderKind = Literal[vocab.STAKEHOLDER_KINDS]  # type: ignore[valid-type]
Role = Literal[vocab.ROLES]  # type: ignore[valid-type]
SourceKind = Literal[vocab.SOURCE_KINDS]  # type: ignore[valid-type]
RecommendationKind = Literal[vocab.RECOMMENDATION_KINDS]  # type: ignore[valid-type]
QuoteKind = Literal[vocab.QUOTE_KINDS]  # type: ignore[valid-type]
CountryKind = Literal[vocab.COUNTRY_KINDS]  # type: ignore[valid-type]
BasisKind = Literal[vocab.BASIS_KINDS]  # type: ignore[valid-type]


class Strict(BaseModel):
    """Base of every model: unknown keys and type coercion are errors; records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Citation(Strict):
    """Where a record's facts come from: a source id and the place inside it."""

    source: Id
    at: Text = Field(description="Section or paragraph of the source, e.g. 'para 4'.")
    excerpt: Text | None = Field(
        default=None,
        description="The supporting sentence, verbatim (required for citations of the article, S1).",
    )


Sources = Annotated[list[Citation], Field(min_length=1, description="Where the record's facts come from.")]


class Basis(Strict):
    """Why a link or classification holds: a source says so (cited), or it is our own (with a reason)."""

    basis: BasisKind = Field(description="'source': a source states it; 'editorial': our own classification.")
    source: Id | None = Field(default=None, description="With basis 'source': the source that states it.")
    at: Text | None = Field(default=None, description="With basis 'source': where in the source.")
    excerpt: Text | None = Field(default=None, description="The supporting sentence, verbatim.")
    reason: Text | None = Field(
        default=None,
        description="With basis 'editorial': why, in one line. With 'source': how the passage states it, "
        "where its words do not name the linked thing.",
    )

    @model_validator(mode="after")
    def _complete(self) -> Basis:
        if self.basis == "source" and (self.source is None or self.at is None):
            raise ValueError("basis 'source' needs 'source' and 'at' (its citation)")
        if self.basis == "editorial" and self.reason is None:
            raise ValueError("basis 'editorial' needs a one-line 'reason'")
        return self


def _basis_field(*fields: str) -> Any:
    return Field(
        default_factory=dict,
        description="The basis of each link or classification of the record, keyed by field: "
        + ", ".join(fields)
        + ".",
    )


class Record(Strict):
    id: Id


class Source(Strict):
    """A publication that facts in the catalogue come from."""

    id: Id
    label: Text = Field(description="Short label by which notes and caveats name the source, e.g. 'S1'.")
    title: Text = Field(description="The title of the publication.")
    alt_titles: list[Text] = Field(
        default_factory=list, description="Other titles the same publication appears under."
    )
    publisher: Text = Field(description="Who published it.")
    authors: list[Text] = Field(
        default_factory=list,
        description="The work's authors as cited, each a group or a person, when the publisher names "
        "several (e.g. two organisations publishing jointly); empty: the publisher is the author.",
    )
    site: Text | None = Field(
        default=None,
        description="The name of the website that carries the work, when it differs from its author "
        "(cited after the title, as APA's site name).",
    )
    date: dt.date | None = Field(
        default=None, description="Date of publication (YYYY-MM-DD), when the source states it."
    )
    date_note: Text | None = Field(
        default=None, description="What is known of the date when it is not exact."
    )
    title_reconstructed: bool = Field(
        default=False,
        description="True when 'title' is ours, rebuilt from the web address, not the source's own title.",
    )
    description: Text | None = Field(
        default=None,
        description="A description of the work, cited in square brackets in place of a reconstructed title.",
    )
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = Field(
        description="Web address of the publication."
    )
    kind: SourceKind = Field(description="What sort of publication.")
    notes: list[Text] = Field(default_factory=list, description="Notes on the source.")

    @model_validator(mode="after")
    def _described(self) -> Source:
        if self.title_reconstructed and self.description is None:
            raise ValueError("a reconstructed title needs a 'description' to cite in its place")
        return self


class Country(Record):
    """A country or region, with codes and spellings that filters accept."""

    name: Text = Field(description="The name records use for the country or region.")
    kind: CountryKind = Field(description="A country or a region.")
    iso2: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code."
    )
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code."
    )
    aliases: list[Text] = Field(default_factory=list, description="Other spellings that filters accept.")
    notes: list[Text] = Field(default_factory=list, description="Notes on the country or region.")
    basis: dict[Literal["iso2", "iso3", "aliases"], Basis] = _basis_field("iso2", "iso3", "aliases")
    sources: Sources


class StakeholderRole(Strict):
    """What a stakeholder did, at which event (or none), according to which source, and on what basis."""

    role: Role
    event: Id | None = None
    source: Id
    at: Text | None = Field(default=None, description="Where in the source.")
    excerpt: Text | None = Field(
        default=None,
        description="The sentence that states the role, verbatim (required when citing the article, S1).",
    )
    basis: BasisKind = Field(
        default="source",
        description="'source': the cited passage states the role; 'editorial': our reading, with a reason.",
    )
    reason: Text | None = Field(default=None, description="With basis 'editorial': why, in one line.")
    note: Text | None = None

    @model_validator(mode="after")
    def _reasoned(self) -> StakeholderRole:
        if self.basis == "editorial" and self.reason is None:
            raise ValueError("an editorial role needs a one-line 'reason'")
        return self


class Stakeholder(Record):
    """An organisation, a person or a group of people."""

    name: Text = Field(description="Name of the organisation, person or group.")
    aliases: list[Text] = Field(default_factory=list, description="Other names and acronyms it is known by.")
    kind: StakeholderKind = Field(description="An organisation, a person or a group.")
    sector: Sector | None = Field(default=None, description="The sector it belongs to.")
    country: Text | None = Field(
        default=None, description="The country or region it belongs to (a name from countries)."
    )
    organisation: Id | None = Field(
        default=None, description="For a person: the organisation they belong to (a stakeholder id)."
    )
    position: Text | None = Field(default=None, description="For a person: their position or title.")
    roles: list[StakeholderRole] = Field(
        default_factory=list,
        description="What it did at which event (host, funder, speaker, ...), each with its source.",
    )
    notes: list[Text] = Field(default_factory=list, description="Notes on the stakeholder.")
    basis: dict[Literal["sector", "kind", "country", "aliases"], Basis] = _basis_field(
        "sector", "kind", "country", "aliases"
    )
    sources: Sources


class Participation(Strict):
    """Attendance as one source gives it: a number (if any) and its wording, the source's or ours."""

    count: int | None = Field(default=None, ge=0, le=MAX_INT)
    qualifier: Literal["exactly", "more-than"] | None = None
    wording: Text
    quoted: bool = Field(
        default=False,
        description="True when 'wording' is the source's own words, verbatim; false: our paraphrase of it.",
    )
    source: Id
    at: Text | None = Field(default=None, description="Where in the source.")
    excerpt: Text | None = Field(
        default=None,
        description="The sentence that gives the figure, verbatim (required when citing the article, S1).",
    )


class SeriesPosition(Strict):
    """A place in the roundtable series as one source states it."""

    position: int | None = Field(default=None, ge=1, le=MAX_INT)
    wording: Text
    quoted: bool = Field(
        default=False,
        description="True when 'wording' is the source's own words, verbatim; false: our paraphrase of it.",
    )
    source: Id


class Event(Record):
    """A conference, roundtable, report release or meeting."""

    title: Text = Field(description="Name of the event.")
    kind: EventKind = Field(description="What sort of event.")
    country: Text = Field(description="Where it was held (a name from countries).")
    city: Text | None = Field(default=None, description="The city it was held in, when a source names it.")
    start_date: dt.date | None = Field(
        default=None, description="First day (YYYY-MM-DD), when a source gives it."
    )
    end_date: dt.date | None = Field(
        default=None, description="Last day (YYYY-MM-DD), when a source gives it."
    )
    month_day: Annotated[str, StringConstraints(pattern=r"^--\d{2}-\d{2}$")] | None = Field(
        default=None,
        description="ISO 8601 month and day (--MM-DD) when a source gives no year.",
    )
    date_note: Text | None = Field(
        default=None, description="What is known of the date when it is not exact."
    )
    participants: list[Participation] = Field(
        default_factory=list, description="Attendance as each source gives it."
    )
    series_position: list[SeriesPosition] = Field(
        default_factory=list, description="Its place in the roundtable series as each source states it."
    )
    builds_on: list[Id] = Field(
        default_factory=list, description="Events whose discussions this event built upon."
    )
    notes: list[Text] = Field(default_factory=list, description="Notes on the event.")
    caveats: list[Text] = Field(
        default_factory=list, description="What the sources leave unsaid or disagree on."
    )
    basis: dict[Literal["builds_on", "kind", "title", "country", "city"], Basis] = _basis_field(
        "builds_on", "kind", "title", "country", "city"
    )
    sources: Sources


class Stage(Record):
    """A point in the trafficking and smuggling chain where corruption enters."""

    title: Text = Field(description="Name of the stage.")
    order: int = Field(ge=1, le=MAX_INT, description="Its place in the chain, from 1 on.")
    description: Text = Field(description="What corruption does at this stage.")
    basis: dict[Literal["order"], Basis] = _basis_field("order")
    sources: Sources


class Practice(Record):
    """A promising practice against corruption as a facilitator of these crimes."""

    title: Text = Field(description="Name of the practice.")
    summary: Text = Field(description="What the practice is, in a sentence or two.")
    sectors: list[Sector] = Field(min_length=1, description="The sectors that carry it out.")
    themes: list[Theme] = Field(default_factory=list, description="What it is about (controlled themes).")
    stages: list[Id] = Field(
        default_factory=list, description="The stages of the chain it addresses (stage ids)."
    )
    origin_event: Id | None = Field(
        default=None, description="The event it was put forward at (an event id)."
    )
    basis: dict[Literal["stages", "sectors", "themes", "origin_event"], Basis] = _basis_field(
        "stages", "sectors", "themes", "origin_event"
    )
    sources: Sources


class Recommendation(Record):
    """A next step or a call for action."""

    title: Text = Field(description="The recommendation in a few words.")
    text: Text = Field(description="The recommendation in full.")
    kind: RecommendationKind = Field(description="A next step or a call for action.")
    made_by: Id | None = Field(default=None, description="Who made it (a stakeholder id).")
    event: Id | None = Field(default=None, description="Where it was made (an event id).")
    themes: list[Theme] = Field(default_factory=list, description="What it is about (controlled themes).")
    basis: dict[Literal["themes", "made_by", "event"], Basis] = _basis_field("themes", "made_by", "event")
    sources: Sources


class Quote(Record):
    """A statement attributed to a speaker at an event."""

    speaker: Id = Field(description="Who said it (a stakeholder id).")
    event: Id | None = Field(default=None, description="Where it was said (an event id).")
    kind: QuoteKind = Field(
        description="'direct': the source's words, verbatim; 'paraphrase': our words; "
        "'topic': only what was spoken about."
    )
    text: Text = Field(description="What was said: verbatim for a direct quote, else our words.")
    basis: dict[Literal["speaker", "event"], Basis] = _basis_field("speaker", "event")
    sources: Sources


class Finding(Record):
    """A finding or observation on how corruption facilitates these crimes."""

    title: Text = Field(description="The finding in a few words.")
    text: Text = Field(description="The finding in full.")
    stages: list[Id] = Field(
        default_factory=list, description="The stages of the chain it concerns (stage ids)."
    )
    about: Id | None = Field(default=None, description="The record it is about (an id).")
    caveats: list[Text] = Field(
        default_factory=list, description="What the sources leave unsaid or disagree on."
    )
    basis: dict[Literal["stages", "about"], Basis] = _basis_field("stages", "about")
    sources: Sources


MODELS: dict[str, type[Strict]] = {
    "sources": Source,
    "countries": Country,
    "stakeholders": Stakeholder,
    "events": Event,
    "stages": Stage,
    "practices": Practice,
    "recommendations": Recommendation,
    "quotes": Quote,
    "findings": Finding,
}
