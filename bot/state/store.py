"""The state store's rules, once, over SQLAlchemy Core: one class per concern of
``StateStore``, joined here. An engine (``SqliteState``, ``PostgresState``) adds how to connect,
how a writer locks, and how the outbox is ordered."""

from __future__ import annotations

from bot.abc import StateStore
from bot.state.approvals import SqlApprovals
from bot.state.cycles import SqlCycleLog
from bot.state.leases import SqlLeasesAndClaims
from bot.state.outbox import SqlSlackOutbox
from bot.state.rollovers import SqlRollovers
from bot.state.runs import SqlRunsAndLedger


class SqlStore(
    SqlRunsAndLedger,
    SqlApprovals,
    SqlLeasesAndClaims,
    SqlSlackOutbox,
    SqlCycleLog,
    SqlRollovers,
    StateStore,
):
    def close(self) -> None:
        self.engine.dispose()
