"""Site: a ``Catalog`` → MkDocs pages (Markdown, navigation, widgets), sanitized. Imports content, not search."""
