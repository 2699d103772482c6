"""The cycle log: when each cycle ran and what it did."""

from __future__ import annotations

from sqlalchemy import insert, select

from bot.abc import CycleLog
from bot.state.base import SqlBase
from bot.state.tables import cycles


class SqlCycleLog(SqlBase, CycleLog):
    def record_cycle(self, started: str, finished: str, summary: str) -> None:
        with self.writing() as conn:
            conn.execute(insert(cycles).values(started=started, finished=finished, summary=summary))

    def cycles(self, limit: int = 10) -> list[tuple[str, str, str]]:
        query = (
            select(cycles.c.started, cycles.c.finished, cycles.c.summary)
            .order_by(cycles.c.seq.desc())
            .limit(limit)
        )
        with self.reading() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(query)]
