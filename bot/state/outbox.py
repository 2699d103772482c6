"""The Slack outbox: each message kept under its key before it is sent, then its sending."""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.engine import Connection

from bot.abc import SlackOutbox
from bot.state.base import SqlBase
from bot.state.tables import ENTRY_COLUMNS, outbox
from bot.structures import SENT, OutboxEntry, outbox_entry


class SqlSlackOutbox(SqlBase, SlackOutbox):
    def _entries(self, conn: Connection, *where: ColumnElement[bool]) -> list[OutboxEntry]:
        query = select(*ENTRY_COLUMNS).where(*where).order_by(self.outbox_order)
        return [outbox_entry(*r) for r in conn.execute(query)]

    def _first(self, *where: ColumnElement[bool]) -> OutboxEntry | None:
        with self.reading() as conn:
            found = self._entries(conn, *where)
        return found[0] if found else None

    def outbox_record(self, entry: OutboxEntry, at: str) -> OutboxEntry:
        with self.writing(f"outbox:{entry.key}") as conn:
            found = self._entries(conn, outbox.c.key == entry.key)
            if found:
                return found[0]
            conn.execute(
                insert(outbox).values(
                    key=entry.key,
                    kind=entry.kind,
                    step_id=entry.step_id,
                    channel=entry.channel,
                    thread=entry.thread,
                    text=entry.text,
                    blocks=json.dumps(entry.blocks),
                    created=at,
                )
            )
            return self._entries(conn, outbox.c.key == entry.key)[0]

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        return self._first(outbox.c.key == key)

    def outbox_entries(self, state: str = "") -> list[OutboxEntry]:
        with self.reading() as conn:
            return self._entries(conn, *([outbox.c.state == state] if state else []))

    def outbox_attempt(self, key: str) -> None:
        with self.writing() as conn:
            conn.execute(
                update(outbox).where(outbox.c.key == key).values(attempts=outbox.c.attempts + 1)
            )

    def outbox_sent(self, key: str, ts: str, channel_id: str, at: str) -> None:
        with self.writing() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.key == key)
                .values(state=SENT, ts=ts, channel_id=channel_id, sent_at=at, error="")
            )

    def outbox_error(self, key: str, error: str, state: str) -> None:
        with self.writing() as conn:
            conn.execute(update(outbox).where(outbox.c.key == key).values(error=error, state=state))

    def outbox_channel_id(self, channel: str) -> str:
        query = (
            select(outbox.c.channel_id)
            .where(outbox.c.channel == channel, outbox.c.channel_id != "")
            .order_by(self.outbox_order.desc())
            .limit(1)
        )
        with self.reading() as conn:
            found = conn.execute(query).scalar()
        return "" if found is None else str(found)

    def outbox_sent_as(self, ts: str) -> OutboxEntry | None:
        return self._first(outbox.c.ts == ts, outbox.c.state == SENT)
