"""The state store's rules, once, over SQLAlchemy Core: one class per concern of
``StateStore``, joined here. An engine (``SqliteState``, ``PostgresState``) adds how to connect,
how a writer locks, and how the outbox is ordered."""

from __future__ import annotations

from collections.abc import Sequence

from bot.abc import StateStore
from bot.state.approvals import SqlApprovals
from bot.state.cycles import SqlCycleLog
from bot.state.leases import SqlLeasesAndClaims
from bot.state.outbox import SqlSlackOutbox
from bot.state.rollovers import SqlRollovers, settle
from bot.state.runs import SqlRunsAndLedger, add_outcomes
from bot.structures import Outcome, Settlement


class SqlStore(
    SqlRunsAndLedger,
    SqlApprovals,
    SqlLeasesAndClaims,
    SqlSlackOutbox,
    SqlCycleLog,
    SqlRollovers,
    StateStore,
):
    def record_outcomes(
        self, outcomes: Sequence[Outcome], settled: Settlement | None = None
    ) -> None:
        """The ledger rows and the rollover ledger's settlements in one transaction: one
        durable write per bulk request, however many records it carried."""
        if not outcomes and settled is None:
            return
        with self.writing() as conn:
            add_outcomes(conn, outcomes)
            if settled is not None:
                settle(conn, settled)

    def close(self) -> None:
        self.engine.dispose()
