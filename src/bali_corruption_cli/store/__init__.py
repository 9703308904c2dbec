"""The store: the cache file of a validated catalogue, its sections and indexes."""
