"""Commands for people who keep a catalogue: data init/path, validate, schema, export."""

from __future__ import annotations
