"""Rollover Bot: executes school-district rollover checklists kept in a shared spreadsheet."""

from __future__ import annotations

__version__ = "0.1.0"
