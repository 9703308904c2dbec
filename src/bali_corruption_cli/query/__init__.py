"""Questions asked of a catalogue: filters, names, search, links, citations; no I/O, no printing."""
