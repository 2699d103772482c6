"""A step's rows for other tabs: Matches kept in line with the LMS, and a per-record log
recorded once in the ledger (so it reaches the Log tab once)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bot.abc import StateStore
from bot.structures import CellWrite, Outcome
from bot.templates import WorkbookTemplate

OUTPUT_LOG = "step log"


class Outputs:
    """What steps give other tabs this cycle: cells to set and rows to add."""

    def __init__(
        self,
        state: StateStore,
        template: WorkbookTemplate,
        frames: Mapping[str, pd.DataFrame],
        stamp: str,
    ) -> None:
        self.state = state
        self.template = template
        self.frames = frames
        self.stamp = stamp
        self.cells: list[CellWrite] = []
        self.rows: list[tuple[str, dict[str, str]]] = []

    def add(self, step_id: str, rows_by_tab: dict[str, list[dict[str, str]]]) -> None:
        """Only what differs is written; staff columns of existing rows are never touched."""
        for tab_name, rows in rows_by_tab.items():
            if tab_name == "Log":
                self._record_log_rows(step_id, rows)
            else:
                self._keep_rows(tab_name, rows)

    def _record_log_rows(self, step_id: str, rows: list[dict[str, str]]) -> None:
        seen = {
            (o.record_id, o.outcome) for o in self.state.outcomes(step_id) if o.kind == OUTPUT_LOG
        }
        for row in rows:
            if (row.get("Record", ""), row.get("Outcome", "")) in seen:
                continue
            self.state.record_outcome(
                Outcome(
                    step_id,
                    row.get("Record", ""),
                    row.get("Action", ""),
                    OUTPUT_LOG,
                    row.get("Outcome", ""),
                    row.get("Message", ""),
                    "",
                    self.stamp,
                )
            )

    def _keep_rows(self, tab_name: str, rows: list[dict[str, str]]) -> None:
        tab = self.template.require(tab_name)
        frame = self.frames.get(tab.name)
        if frame is None or not tab.key:
            return
        current = frame.drop_duplicates(tab.key).set_index(tab.key).to_dict("index")
        for row in rows:
            key = row.get(tab.key, "")
            have = current.get(key)
            if have is None:
                self.rows.append((tab.name, row))
                continue
            self.cells += [
                CellWrite(tab.name, key, column, value)
                for column, value in row.items()
                if column in tab.bot_columns and column != tab.key and have.get(column) != value
            ]
