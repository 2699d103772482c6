"""Rosters pulled from a OneRoster 1.1 / 1.2 REST API, read as the CSV bundle it stands for.

``service`` finds the service and its version; ``auth`` signs requests (OAuth 1.0a for 1.1,
OAuth 2 client credentials for 1.2); ``http`` sends them with bounded retries and explains
refusals; ``paging`` walks a collection page by page; ``fields`` and ``records`` turn the JSON
records into the CSV files of a bundle; ``pull`` fetches every collection (whole, or the
changes since a time) into a ``Bundle``; ``importer`` merges it as ``import-roster`` merges a
bundle from disk, and ``pulls`` remembers when each district last pulled.
"""
