"""Keeping a catalogue: exports, data init, schemas written, new records."""
