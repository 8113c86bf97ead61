"""The write path: corpus readers, normalisation, the Whoosh schema and the indexer."""
