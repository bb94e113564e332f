"""Content: YAML files → a validated ``Catalog``. Imports nothing else of painguide."""
