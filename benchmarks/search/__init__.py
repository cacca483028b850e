"""Tool-search evaluation (docs/search.md): labelled queries over real API catalogs."""
