"""Rosters in from the SIS and back out: OneRoster 1.1 / 1.2 and SDS CSV bundles.

``bundle`` opens a folder or .zip and tells the format; ``csvfile`` + ``specs`` read and check
each file; ``oneroster``, ``sds`` and ``sds21`` map a format onto the roster tabs (the table is
in ``mapping``); ``references`` checks links between files; ``merge`` plans the change and
guards against truncated input; ``writer`` writes it into the .xlsx; ``importer`` runs it all;
``export`` (with ``export_tables``) writes a OneRoster bundle from the workbook.
"""
