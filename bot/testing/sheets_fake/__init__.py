"""A faithful local fake of the Google Sheets API v4 (plus the Drive v3 calls gspread makes).

Modules: ``a1`` (A1 ranges), ``model`` (in-memory spreadsheets), ``userinput``/``values``/
``numfmt``/``formula`` (RAW vs USER_ENTERED in, FORMATTED/UNFORMATTED/FORMULA out),
``values_api`` (the values endpoints), ``batch_update``/``batch_cells``/``batch_objects``
(spreadsheets:batchUpdate), ``metadata`` (the Spreadsheet resource), ``drive`` (Drive v3),
``access`` (identity, protected ranges, quota, faults), ``errors`` (Google's error bodies),
``routes`` and ``server`` (HTTP)."""

from __future__ import annotations

from .server import FakeSheetsServer, RecordedRequest

__all__ = ["FakeSheetsServer", "RecordedRequest"]
