"""The catalogue's model: collections, vocabularies, Pydantic models and their schemas."""
